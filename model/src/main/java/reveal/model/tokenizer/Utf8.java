package reveal.model.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The UTF-8 conversions every tokenizer here needs, with the replacement rules of the references. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Replaces unpaired surrogates by U+FFFD, as JavaScript's TextEncoder does before encoding; Java's own encoder
     * would write '?', and Python cannot hold such strings at all.
     */
    static String withoutLoneSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) out.append(c).append(text.charAt(i + 1));
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) out = new StringBuilder(text.length()).append(text, 0, i);
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** A growable byte array for decoders that assemble UTF-8 text from token pieces. */
    static final class Bytes {
        private byte[] bytes = new byte[64];
        private int size;

        void add(int b) {
            if (size == bytes.length) bytes = Arrays.copyOf(bytes, size * 2);
            bytes[size++] = (byte) b;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        /** The text, each maximal invalid byte sequence replaced by U+FFFD (Rust's from_utf8_lossy). */
        String toStringLossy() {
            return new String(bytes, 0, size, StandardCharsets.UTF_8);
        }

        /** The text if the bytes are valid UTF-8, else null. */
        String toStringStrict() {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, size)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
    }
}
