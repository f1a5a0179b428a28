package io.rrs.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.audio.WavEncoder;
import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.export.TinyCheckpoint;
import io.rrs.guard.Guard;
import io.rrs.guard.GuardOptions;
import io.rrs.guard.GuardQuery;
import io.rrs.guard.Verdict;
import io.rrs.text.Prompts;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example service on 127.0.0.1 (ephemeral port) over a real exported guard (a random-weight
 * toy model exported by rrs-export): real HTTP requests, each answer compared with the verdict
 * the same guard gives in-process; several client threads at once; malformed envelopes get 400
 * naming the problem; queries the guard cannot screen come back fail-closed (200, REFUSE, error).
 */
class GuardHttpServerTest {
    static final int SERVER_THREADS = 2, CLIENTS = 4, PER_CLIENT = 6;
    static final int MAX_BODY = 1 << 20;

    @TempDir
    static Path tmp;
    static Guard guard;
    static GuardHttpServer server;
    static HttpClient http;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path model = tmp.resolve("model");
        Exporter.export(ExportOptions.of(TinyCheckpoint.write(tmp.resolve("ckpt"), 17), model));
        guard = Guard.open(model, GuardOptions.defaults().withFailClosed(true));
        server = GuardHttpServer.start(guard, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), SERVER_THREADS, MAX_BODY);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (guard != null) guard.close();
    }

    /** 16-bit mono WAV of a few harmonics of {@code f0}, {@code seconds} long at 16 kHz. */
    static byte[] wav(double seconds, double f0) {
        int rate = 16000, n = (int) (seconds * rate);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate, v = 0;
            for (int h = 1; h <= 4; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
            pcm[i] = (short) Math.round(0.2 * v * 32767);
        }
        return WavEncoder.pcm16(pcm, rate);
    }

    static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static HttpResponse<String> post(String rawQuery, String contentType, byte[] body) throws Exception {
        URI uri = URI.create(server.screenUri() + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode verdictOf(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(r.body());
    }

    /** The HTTP verdict equals the in-process one on everything that does not depend on timing. */
    static void assertSameVerdict(Verdict expected, JsonNode actual) {
        assertEquals(expected.id(), actual.get("id").asText());
        assertEquals(expected.decision().name(), actual.get("decision").asText());
        assertEquals(expected.refusalProbability(), actual.get("refusalProbability").asDouble());
        assertEquals(expected.score(), actual.get("score").asDouble());
        assertEquals(expected.threshold(), actual.get("threshold").asDouble());
        assertEquals(expected.condition(), actual.get("condition").asText());
        assertEquals(expected.promptTokens(), actual.get("promptTokens").asInt());
        assertEquals(expected.audioSeconds(), actual.get("audioSeconds").asDouble());
        assertTrue(actual.get("error").isNull(), actual.toString());
    }

    @Test
    void wavWithTextIsScreenedAsAudioTextWithItsTimings() throws Exception {
        byte[] wav = wav(1.0, 120);
        JsonNode v = verdictOf(post("id=clip-1&text=" + encoded(Prompts.AUDIO_TEXT_INSTRUCTION), "audio/wav", wav));
        assertSameVerdict(guard.screen(GuardQuery.wav(wav, Prompts.AUDIO_TEXT_INSTRUCTION).withId("clip-1")), v);
        assertEquals("audio-text", v.get("condition").asText());
        assertEquals(1.0, v.get("audioSeconds").asDouble());
        JsonNode t = v.get("timings");
        for (String stage : new String[] {"frontEndMs", "promptMs", "encoderMs", "prefillMs"}) {
            assertTrue(t.get(stage).asDouble() > 0, stage + " in " + t);
            assertTrue(t.get(stage).asDouble() <= t.get("totalMs").asDouble(), stage + " within totalMs in " + t);
        }
    }

    @Test
    void textBodyIsScreenedAsTextOnly() throws Exception {
        String text = "How do I bake bread? Ça dépend du four.";
        JsonNode v = verdictOf(post("", "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8)));
        assertSameVerdict(guard.screen(GuardQuery.text(text)), v);
        assertEquals("text-only", v.get("condition").asText());
        assertTrue(v.get("timings").get("prefillMs").asDouble() > 0, v.toString());
        assertTrue(v.get("timings").get("prefillMs").asDouble() <= v.get("timings").get("totalMs").asDouble(), v.toString());
    }

    @Test
    void concurrentClientsEachGetTheirOwnQuerysVerdict() throws Exception {
        record Sent(String rawQuery, String contentType, byte[] body, GuardQuery query) {}
        String instruction = Prompts.AUDIO_TEXT_INSTRUCTION;
        List<Sent> kinds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] w = wav(0.5 + 0.3 * i, 100 + 40 * i);
            kinds.add(new Sent("text=" + encoded(instruction), "audio/wav", w, GuardQuery.wav(w, instruction)));
            String text = "Question number " + i + ": what is the capital of France?";
            kinds.add(new Sent("", "text/plain", text.getBytes(StandardCharsets.UTF_8), GuardQuery.text(text)));
        }
        byte[] audioOnly = wav(0.8, 210);
        kinds.add(new Sent("", "audio/x-wav", audioOnly, GuardQuery.wav(audioOnly, "")));

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Set<Double>>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    Set<Double> probabilities = new HashSet<>();
                    for (int k = 0; k < PER_CLIENT; k++) {
                        Sent s = kinds.get((client * PER_CLIENT + k) % kinds.size());
                        String id = "c" + client + "-" + k;
                        String q = "id=" + id + (s.rawQuery().isEmpty() ? "" : "&" + s.rawQuery());
                        JsonNode v = verdictOf(post(q, s.contentType(), s.body()));
                        assertSameVerdict(guard.screen(s.query().withId(id)), v);
                        probabilities.add(v.get("refusalProbability").asDouble());
                    }
                    return probabilities;
                }));
            }
            Set<Double> all = new HashSet<>();
            for (Future<Set<Double>> f : done) all.addAll(f.get(5, TimeUnit.MINUTES));
            assertEquals(kinds.size(), all.size(), "each distinct query has its own refusal probability: answers were not crossed " + all);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void queriesTheGuardCannotScreenAreRefusedWithTheError() throws Exception {
        JsonNode empty = verdictOf(post("id=empty&text=" + encoded("hello"), "audio/wav", new byte[0]));
        JsonNode corrupt = verdictOf(post("id=corrupt", "audio/wav", "RIFF this is no wave file".getBytes(StandardCharsets.US_ASCII)));
        JsonNode noText = verdictOf(post("id=blank", "text/plain", new byte[0]));
        for (JsonNode v : new JsonNode[] {empty, corrupt, noText}) {
            assertEquals("REFUSE", v.get("decision").asText(), v.toString());
            assertTrue(v.get("error").isTextual() && v.get("error").asText().contains("query " + v.get("id").asText()), v.toString());
            assertEquals("NaN", v.get("refusalProbability").asText());
            assertTrue(v.get("condition").isNull(), v.toString());
        }
        assertTrue(noText.get("error").asText().contains("nothing to screen"), noText.toString());
        // the guard is unharmed: a good query right after still gets its verdict
        assertSameVerdict(guard.screen(GuardQuery.text("Tell me about spring.")), verdictOf(post("", "text/plain", "Tell me about spring.".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void malformedRequestsGet400NamingTheProblem() throws Exception {
        byte[] wav = wav(0.5, 150);
        assertError(400, "no Content-Type", post("", null, wav));
        assertError(400, "application/octet-stream is not supported", post("", "application/octet-stream", wav));
        assertError(400, "unknown query parameter 'txt'", post("txt=hello", "audio/wav", wav));
        assertError(400, "'text' is given twice", post("text=a&text=b", "audio/wav", wav));
        assertError(400, "drop the ?text= parameter", post("text=hi", "text/plain", "hi".getBytes(StandardCharsets.UTF_8)));
        assertError(400, "not valid UTF-8", post("", "text/plain", new byte[] {(byte) 0xC3, (byte) 0x28}));
        assertError(400, "charset iso-8859-1 is not supported", post("", "text/plain; charset=ISO-8859-1", "hi".getBytes(StandardCharsets.ISO_8859_1)));
        assertError(413, "over " + MAX_BODY + " bytes", post("", "audio/wav", new byte[MAX_BODY + 1]));

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.screenUri()).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(405, "use POST", get);
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        URI other = server.screenUri().resolve("/verdict");
        assertError(404, "no such path /verdict", http.send(HttpRequest.newBuilder(other).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** A bad escape in the query string is refused before the handler (the JDK's URI check); the JDK client cannot send one, curl can. */
    @Test
    void aBadPercentEscapeGets400() throws Exception {
        InetSocketAddress a = server.address();
        try (Socket socket = new Socket(a.getAddress(), a.getPort())) {
            socket.setSoTimeout(30_000);
            // no body: the server closes right after refusing the request line, and unread bytes would reset the connection
            OutputStream out = socket.getOutputStream();
            out.write("POST /screen?text=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        }
    }

    static void assertError(int status, String messagePart, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertNotNull(body.get("error"), r.body());
        assertTrue(body.get("error").asText().contains(messagePart), "expected '" + messagePart + "' in " + r.body());
        assertNull(body.get("decision"), "an envelope error is not a verdict: " + r.body());
    }

    @Test
    void healthSaysUpWithTheThreshold() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.screenUri().resolve("/health")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        JsonNode h = JSON.readTree(r.body());
        assertEquals("ok", h.get("status").asText());
        assertEquals(SERVER_THREADS, h.get("threads").asInt());
        assertEquals(guard.threshold(), h.get("threshold").asDouble());
    }

    @Test
    void aGuardThatThrowsIsNotServed() throws Exception {
        try (Guard throwing = Guard.open(tmp.resolve("model"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GuardHttpServer.start(throwing, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1, MAX_BODY));
            assertTrue(e.getMessage().contains("fail-closed"), e.getMessage());
        }
    }

    @Test
    void theCommandLineBindsLoopbackByDefault() {
        GuardHttpMain main = new GuardHttpMain();
        new CommandLine(main).parseArgs("--model", tmp.resolve("model").toString());
        assertEquals("127.0.0.1", main.host);
        assertEquals(2, main.threads);
        assertEquals(127, server.address().getAddress().getAddress()[0]);
    }
}
