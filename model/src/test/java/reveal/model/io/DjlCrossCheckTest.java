package reveal.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static reveal.model.io.IoTestFiles.resource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.Float16Utils;
import ai.djl.util.passthrough.PassthroughNDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * DJL's own safetensors decoder ({@code NDList.decode}, engine-free through {@code PassthroughNDManager}) as an
 * independent reader: same names, shapes, dtypes, and bit-identical float values.
 */
class DjlCrossCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt2_bf16", "llama_f16"})
    void fixtureFilesReadLikeDjl(String fixture) throws Exception {
        Path path = resource("fixtures/" + fixture + "/model.safetensors");
        NDList list = NDList.decode(PassthroughNDManager.INSTANCE, Files.readAllBytes(path));
        Map<String, NDArray> djl = new TreeMap<>();
        for (NDArray a : list) djl.put(a.getName(), a);

        SafetensorsFile ours = SafetensorsFile.open(path);
        assertEquals(djl.keySet().stream().toList(), ours.names());
        for (String name : ours.names()) {
            NDArray theirs = djl.get(name);
            TensorInfo info = ours.info(name);
            assertArrayEquals(theirs.getShape().getShape(), info.shape(), name);
            assertEquals(theirs.getDataType(), DataType.fromSafetensors(info.dtype().name()), name);
            float[] expected = djlFloats(theirs);
            float[] actual = ours.floats(name);
            assertEquals(expected.length, actual.length, name);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), name + "[" + i + "]");
            }
        }
    }

    /** DJL converts F32 and F16 itself; BF16 it hands over raw, and its float is by definition the top 16 bits. */
    private static float[] djlFloats(NDArray a) {
        if (a.getDataType() != DataType.BFLOAT16) return a.toFloatArray();
        ByteBuffer raw = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[raw.remaining() / 2];
        for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat(raw.getShort() << 16);
        return out;
    }

    @Test
    void f16AgreesWithDjlOnEveryBitPattern() {
        for (int h = 0; h < 65536; h++) {
            assertEquals(Float.floatToRawIntBits(Float16Utils.halfToFloat((short) h)),
                    Float.floatToRawIntBits(DType.halfToFloat((short) h)), "F16 0x" + Integer.toHexString(h));
        }
    }
}
