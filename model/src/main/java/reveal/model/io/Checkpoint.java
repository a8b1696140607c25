package reveal.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import reveal.engine.io.Json;

/**
 * The weights of a Hugging Face model folder as one name -> tensor view: {@code model.safetensors}, or the shards
 * listed by {@code model.safetensors.index.json} (preferred in that order, as {@code from_pretrained} does). The
 * index must agree with the shards exactly: every listed tensor is in the shard it names, every shard tensor is
 * listed, and no name occurs in two shards.
 */
public final class Checkpoint {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path source;
    private final Map<String, SafetensorsFile> owners;

    private Checkpoint(Path source, Map<String, SafetensorsFile> owners) {
        this.source = source;
        this.owners = Collections.unmodifiableMap(owners);
    }

    /** Opens a model folder, or a single {@code .safetensors} file given directly. */
    public static Checkpoint open(Path dir) {
        if (Files.isRegularFile(dir)) return single(dir, SafetensorsFile.open(dir));
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) return single(dir, SafetensorsFile.open(single));
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) return sharded(dir, index);
        throw new IllegalArgumentException(dir + ": no " + SINGLE_FILE + " or " + INDEX_FILE + " in this folder");
    }

    private static Checkpoint single(Path source, SafetensorsFile file) {
        Map<String, SafetensorsFile> owners = new TreeMap<>();
        for (String name : file.names()) owners.put(name, file);
        return new Checkpoint(source, owners);
    }

    private static Checkpoint sharded(Path dir, Path index) {
        Map<String, String> weightMap = weightMap(index);
        Path base = dir.toAbsolutePath().normalize();
        Map<String, SafetensorsFile> shards = new TreeMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            String shard = e.getValue();
            if (shards.containsKey(shard)) continue;
            Path file = base.resolve(shard).normalize();
            if (!base.equals(file.getParent())) {
                throw new IllegalArgumentException(index + ": shard '" + shard + "' (for tensor '" + e.getKey()
                        + "') is not a plain file name inside the folder");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(index + ": shard file " + file + " (for tensor '" + e.getKey()
                        + "') does not exist");
            }
            shards.put(shard, SafetensorsFile.open(file));
        }
        Map<String, SafetensorsFile> owners = new TreeMap<>();
        for (SafetensorsFile shard : shards.values()) {
            for (String name : shard.names()) {
                SafetensorsFile other = owners.put(name, shard);
                if (other != null) {
                    throw new IllegalArgumentException(index + ": tensor '" + name + "' is in two shards, "
                            + other.path().getFileName() + " and " + shard.path().getFileName());
                }
                String listed = weightMap.get(name);
                if (!shard.path().getFileName().toString().equals(listed)) {
                    throw new IllegalArgumentException(index + ": tensor '" + name + "' is in shard "
                            + shard.path().getFileName() + " but the weight_map " + (listed == null ? "does not list it"
                            : "says " + listed));
                }
            }
        }
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (!owners.containsKey(e.getKey())) {
                throw new IllegalArgumentException(index + ": tensor '" + e.getKey() + "' is listed in the weight_map"
                        + " but shard " + e.getValue() + " does not hold it");
            }
        }
        return new Checkpoint(dir, owners);
    }

    private static Map<String, String> weightMap(Path index) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(index));
        } catch (IOException e) {
            throw new UncheckedIOException(index + ": cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(index + ": " + e.getMessage(), e);
        }
        if (!(json.get("weight_map") instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(index + ": no weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String shard)) {
                throw new IllegalArgumentException(index + ": weight_map entry for tensor '" + e.getKey()
                        + "' is not a file name: " + Json.write(e.getValue()));
            }
            out.put((String) e.getKey(), shard);
        }
        return out;
    }

    /** The folder (or file) this checkpoint was opened from. */
    public Path source() {
        return source;
    }

    /** The safetensors files, in file-name order. */
    public List<Path> files() {
        TreeSet<Path> files = new TreeSet<>();
        for (SafetensorsFile f : owners.values()) files.add(f.path());
        return new ArrayList<>(files);
    }

    /** Tensor names of all shards, sorted. */
    public List<String> names() {
        return List.copyOf(owners.keySet());
    }

    public boolean contains(String name) {
        return owners.containsKey(name);
    }

    public TensorInfo info(String name) {
        return owner(name).info(name);
    }

    public float[] floats(String name) {
        return owner(name).floats(name);
    }

    public HostTensor tensor(String name) {
        return owner(name).tensor(name);
    }

    /** Every tensor, converted to float, by name in sorted order. */
    public Map<String, HostTensor> loadAll() {
        Map<String, HostTensor> out = new TreeMap<>();
        for (String name : owners.keySet()) out.put(name, tensor(name));
        return out;
    }

    private SafetensorsFile owner(String name) {
        SafetensorsFile f = owners.get(name);
        if (f == null) {
            throw new IllegalArgumentException(source + ": no tensor '" + name + "' (checkpoint holds " + owners.size()
                    + " tensors)");
        }
        return f;
    }
}
