package reveal.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import reveal.engine.Backend;

/**
 * The model shipped inside the product: Karpathy's stories260K (MIT), a 260K-parameter Llama trained on
 * TinyStories, with its llama2.c tokenizer. Resources under {@code /reveal/embedded/stories260K/}.
 */
public final class EmbeddedModel {
    private static final String RESOURCE = "/reveal/embedded/stories260K/";
    private static final List<String> FILES = List.of("hf_llama_layout/config.json", "hf_llama_layout/model.safetensors",
            "tok512.bin", "stories260K.bin", "README.md");
    private static Path folder;

    private EmbeddedModel() {
    }

    /**
     * A folder with {@code hf_llama_layout/} (HF config + safetensors), {@code stories260K.bin} and
     * {@code tok512.bin}: the resource folder itself, or (inside a jar) a copy extracted once per JVM.
     */
    public static synchronized Path stories260K() {
        if (folder != null) return folder;
        URL url = EmbeddedModel.class.getResource(RESOURCE + FILES.get(0));
        if (url == null) throw new IllegalStateException("embedded model missing from the classpath: " + RESOURCE);
        try {
            if (url.getProtocol().equals("file")) {
                folder = Path.of(url.toURI()).getParent().getParent();
                return folder;
            }
            Path dir = Files.createTempDirectory("reveal-stories260K");
            // deleteOnExit deletes in reverse order of registration: folders registered first go last, once empty
            dir.toFile().deleteOnExit();
            Files.createDirectories(dir.resolve("hf_llama_layout")).toFile().deleteOnExit();
            for (String name : FILES) {
                Path target = dir.resolve(name);
                try (InputStream in = EmbeddedModel.class.getResourceAsStream(RESOURCE + name)) {
                    if (in == null) throw new IllegalStateException("embedded model file missing from the classpath: " + RESOURCE + name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().deleteOnExit();
            }
            folder = dir;
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the embedded model: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource URL " + url, e);
        }
    }

    /** The embedded stories260K model on {@code backend}. */
    public static LanguageModel load(Backend backend) {
        return LanguageModel.load(stories260K().resolve("hf_llama_layout"), backend);
    }
}
