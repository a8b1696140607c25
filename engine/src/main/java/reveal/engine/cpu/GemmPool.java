package reveal.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed pool of daemon worker threads for GEMM. The caller runs part 0 itself, so {@code parts} parts need
 * {@code parts - 1} workers; the pool grows when a call asks for more.
 */
final class GemmPool {
  private static final ThreadLocal<Boolean> IS_WORKER = ThreadLocal.withInitial(() -> false);
  private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(
      1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), GemmPool::newWorker);

  private GemmPool() {}

  /** Runs body(0 .. parts-1) in parallel and returns when all are done; the first failure is rethrown. */
  static void run(int parts, IntConsumer body) {
    // A worker that waited on its own pool could deadlock it, so nested calls run in line.
    if (parts == 1 || IS_WORKER.get()) {
      for (int t = 0; t < parts; t++) {
        body.accept(t);
      }
      return;
    }
    ExecutorService pool = executor(parts - 1);
    List<Future<?>> pending = new ArrayList<>(parts - 1);
    for (int t = 1; t < parts; t++) {
      int part = t;
      pending.add(pool.submit(() -> body.accept(part)));
    }
    RuntimeException failure = null;
    try {
      body.accept(0);
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
