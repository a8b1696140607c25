package reveal.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool of daemon worker threads for GEMM. The calling thread works too, so {@code threads} threads need
 * {@code threads - 1} workers; the pool grows when a call asks for more.
 */
final class GemmPool {
  private static final ThreadLocal<Boolean> IS_WORKER = ThreadLocal.withInitial(() -> false);
  private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(
      1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), GemmPool::newWorker);

  private GemmPool() {}

  /** Runs body(0 .. parts-1) in parallel, one part per thread, and returns when all are done. */
  static void run(int parts, IntConsumer body) {
    forEach(parts, parts, body);
  }

  /**
   * Runs body(0 .. count-1) on up to {@code threads} threads, each taking the next index as soon as it is free,
   * and returns when all are done; the first failure is rethrown.
   */
  static void forEach(int threads, int count, IntConsumer body) {
    int helpers = Math.min(threads, count) - 1;
    // A worker that waited on its own pool could deadlock it, so nested calls run in line.
    if (helpers <= 0 || IS_WORKER.get()) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable drain = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        body.accept(i);
      }
    };
    ExecutorService pool = executor(helpers);
    List<Future<?>> pending = new ArrayList<>(helpers);
    for (int t = 0; t < helpers; t++) {
      pending.add(pool.submit(drain));
    }
    RuntimeException failure = null;
    try {
      drain.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    // Wait for every worker even when interrupted: returning early would let them write C behind the caller.
    boolean interrupted = false;
    for (Future<?> f : pending) {
      while (true) {
        try {
          f.get();
          break;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = new IllegalStateException("gemm worker failed: " + e.getCause(), e.getCause());
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Grows the pool in place, so a concurrent caller that already holds it is never rejected. */
  private static synchronized ExecutorService executor(int needed) {
    if (EXECUTOR.getMaximumPoolSize() < needed) {
      EXECUTOR.setMaximumPoolSize(needed);
      EXECUTOR.setCorePoolSize(needed);
    }
    return EXECUTOR;
  }

  private static Thread newWorker(Runnable task) {
    Thread thread = new Thread(() -> {
      IS_WORKER.set(true);
      task.run();
    }, "reveal-gemm");
    thread.setDaemon(true);
    return thread;
  }
}
