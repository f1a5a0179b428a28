package io.rrs.examples.http;

import io.rrs.guard.GuardQuery;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scope: the HTTP envelope of {@code POST /screen}, turned into a {@link GuardQuery}. The server
 * checks only the envelope (content type, parameters, charset); what the body holds is the guard's
 * to judge, so an empty or undecodable WAV reaches the guard and comes back as a fail-closed REFUSE.
 *
 * <ul>
 *   <li>{@code Content-Type: audio/wav} (or audio/x-wav, audio/wave, audio/vnd.wave): the body is
 *       the WAV file; {@code ?text=} (URL-encoded) is the instruction, absent for an audio-only query.</li>
 *   <li>{@code Content-Type: text/plain} (UTF-8): the body is the text of a text-only query.</li>
 *   <li>{@code ?id=} on either: the caller's label, echoed in the verdict.</li>
 * </ul>
 */
final class ScreenRequest {
    static final Set<String> WAV_TYPES = Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave");
    static final String TEXT_TYPE = "text/plain";

    /** An envelope the server cannot turn into a query: its message says what is wrong and what to send. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private ScreenRequest() {}

    /**
     * The query for one request.
     *
     * @param contentType the Content-Type header, or null when absent
     * @param rawQuery    the URI's raw (still percent-encoded) query string, or null
     * @param body        the request body
     */
    static GuardQuery parse(String contentType, String rawQuery, byte[] body) throws Malformed {
        Map<String, String> params = parameters(rawQuery);
        String id = params.getOrDefault("id", "");
        if (contentType == null)
            throw new Malformed("no Content-Type header: send audio/wav (the WAV file as the body, ?text= for the instruction) or text/plain (the text as the body)");
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (WAV_TYPES.contains(type)) {
            return GuardQuery.wav(body, params.getOrDefault("text", "")).withId(id);
        }
        if (type.equals(TEXT_TYPE)) {
            if (params.containsKey("text"))
                throw new Malformed("a text/plain request carries its text in the body; drop the ?text= parameter (it is the instruction of an audio/wav request)");
            checkUtf8Charset(parts);
            return GuardQuery.text(utf8(body)).withId(id);
        }
        throw new Malformed("Content-Type " + contentType + " is not supported: send audio/wav (the WAV file as the body) or text/plain (the text as the body)");
    }

    /** The query string's parameters: only {@code text} and {@code id}, each at most once, percent-decoded as UTF-8. */
    private static Map<String, String> parameters(String rawQuery) throws Malformed {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!name.equals("text") && !name.equals("id"))
                throw new Malformed("unknown query parameter '" + name + "': /screen takes text= (the instruction of an audio/wav request) and id=");
            if (out.put(name, value) != null) throw new Malformed("query parameter '" + name + "' is given twice; give it once");
        }
        return out;
    }

    private static String decode(String s) throws Malformed {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Malformed("query string part '" + s + "' is not valid percent-encoding (" + e.getMessage() + "); encode it, e.g. curl --data-urlencode");
        }
    }

    private static void checkUtf8Charset(String[] contentTypeParts) throws Malformed {
        for (int i = 1; i < contentTypeParts.length; i++) {
            String p = contentTypeParts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                String cs = p.substring("charset=".length()).replace("\"", "");
                if (!cs.equals("utf-8") && !cs.equals("utf8") && !cs.equals("us-ascii"))
                    throw new Malformed("text/plain charset " + cs + " is not supported; send the text as UTF-8");
            }
        }
    }

    private static String utf8(byte[] body) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the text/plain body is not valid UTF-8 (" + e.getMessage() + "); send the text as UTF-8");
        }
    }
}
