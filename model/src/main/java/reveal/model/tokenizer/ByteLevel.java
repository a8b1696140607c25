package reveal.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * GPT-2's reversible map between bytes and printable characters (encoder.py's bytes_to_unicode): printable Latin-1
 * bytes stand for themselves, the other 68 are shifted to U+0100..U+0143, so that a space is "Ġ" and a newline "Ċ".
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The UTF-8 bytes of text[start, end), each written as its stand-in character (surrogates come paired). */
    static String encode(String text, int start, int end) {
        char[] out = new char[3 * (end - start)];
        int n = 0;
        for (int i = start; i < end; i++) {
            int c = text.charAt(i);
            if (c < 0x80) {
                out[n++] = BYTE_TO_CHAR[c];
            } else if (c < 0x800) {
                out[n++] = BYTE_TO_CHAR[0xC0 | c >> 6];
                out[n++] = BYTE_TO_CHAR[0x80 | c & 0x3F];
            } else if (Character.isHighSurrogate((char) c) && i + 1 < end) {
                int cp = Character.toCodePoint((char) c, text.charAt(++i));
                out[n++] = BYTE_TO_CHAR[0xF0 | cp >> 18];
                out[n++] = BYTE_TO_CHAR[0x80 | cp >> 12 & 0x3F];
                out[n++] = BYTE_TO_CHAR[0x80 | cp >> 6 & 0x3F];
                out[n++] = BYTE_TO_CHAR[0x80 | cp & 0x3F];
            } else {
                out[n++] = BYTE_TO_CHAR[0xE0 | c >> 12];
                out[n++] = BYTE_TO_CHAR[0x80 | c >> 6 & 0x3F];
                out[n++] = BYTE_TO_CHAR[0x80 | c & 0x3F];
            }
        }
        return new String(out, 0, n);
    }

    /**
     * Hugging Face's ByteLevel decoder: the tokens' stand-in characters back to bytes, then UTF-8 (invalid bytes become
     * U+FFFD); a token with any character outside the map (an added token such as "  ") contributes its own UTF-8.
     */
    static String decode(List<String> tokens) {
        Utf8.Bytes bytes = new Utf8.Bytes();
        for (String token : tokens) {
            if (mapsToBytes(token)) {
                for (int i = 0; i < token.length(); i++) bytes.add(CHAR_TO_BYTE[token.charAt(i)]);
            } else {
                for (byte b : token.getBytes(StandardCharsets.UTF_8)) bytes.add(b);
            }
        }
        return bytes.toStringLossy();
    }

    private static boolean mapsToBytes(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) return false;
        }
        return true;
    }
}
