package io.rrs.examples.http;

import io.rrs.guard.Guard;
import io.rrs.guard.GuardException;
import io.rrs.guard.GuardOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scope: the example service's command line: opens the export directory fail-closed, serves it
 * with {@link GuardHttpServer} until the process is stopped (SIGINT/SIGTERM close the server, then
 * the guard). Exit code 2 for unusable options or a model that cannot be opened.
 */
@Command(name = "guard-http", mixinStandardHelpOptions = true,
        description = "Serve an exported guard over HTTP: POST /screen (audio/wav body with ?text=, or text/plain body) answers the verdict as JSON.")
public final class GuardHttpMain implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "export directory (rrs export / rrs demo's WORK/guard)")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the service to the network)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE}; 0 picks a free one, printed on start)")
    int port;

    @Option(names = "--threads", defaultValue = "2", description = "worker threads, i.e. queries screened at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--intra-op-threads", defaultValue = "1", description = "ONNX Runtime threads per graph call (default: ${DEFAULT-VALUE})")
    int intraOpThreads;

    @Option(names = "--cuda", description = "ONNX Runtime's CUDA execution provider (the onnxruntime_gpu build)")
    boolean cuda;

    @Option(names = "--max-body-bytes", defaultValue = "" + GuardHttpServer.DEFAULT_MAX_BODY_BYTES, description = "largest request body (default: ${DEFAULT-VALUE})")
    int maxBodyBytes;

    public static void main(String[] args) {
        int code = new CommandLine(new GuardHttpMain()).execute(args);
        if (code != 0) System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        GuardOptions options;
        try {
            options = GuardOptions.defaults().withFailClosed(true).withIntraOpThreads(intraOpThreads).withCuda(cuda);
        } catch (IllegalArgumentException e) {
            System.err.println("guard-http: " + e.getMessage());
            return 2;
        }
        Guard guard;
        try {
            guard = Guard.open(model, options);
        } catch (GuardException e) {
            System.err.println("guard-http: " + e.getMessage());
            return 2;
        }
        GuardHttpServer server;
        try {
            server = GuardHttpServer.start(guard, new InetSocketAddress(host, port), threads, maxBodyBytes);
        } catch (IllegalArgumentException | java.io.IOException e) {
            guard.close();
            System.err.println("guard-http: cannot serve on " + host + ":" + port + ": " + e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            guard.close();
        }, "guard-http-shutdown"));
        System.out.println("guard-http: listening on " + server.screenUri() + " (" + threads + " threads, model " + model + ", threshold " + guard.threshold() + ")");
        System.out.flush();
        return 0; // the server's own (non-daemon) thread keeps the process serving
    }
}
