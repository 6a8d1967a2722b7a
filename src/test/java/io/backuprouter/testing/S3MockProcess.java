package io.backuprouter.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Adobe S3Mock (a Spring Boot exec jar, an S3 implementation nobody here wrote) in a JVM of its
 * own: plain http on 127.0.0.1 and the given port, objects under the data folder. Maven copies the
 * jar to {@code target/test-servers/} and names it in the {@code s3mock.jar} system property.
 * S3Mock accepts any credentials.
 */
final class S3MockProcess implements TestS3Server.Running {
    /** Spring Boot starts in 3-4 s on a quiet machine, 8-13 s under load: room for a loaded CI runner. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    /** Stops the server should the test JVM exit without the extension's afterAll. */
    private final Thread stopAtExit;

    private S3MockProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.stopAtExit = new Thread(process::destroyForcibly, "stop-s3mock-" + port);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    static S3MockProcess start(Path dataDir, int port, Path log) throws IOException {
        Path jar = Path.of(System.getProperty("s3mock.jar", "target/test-servers/s3mock-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock: jar " + jar + " is missing: the tests were not run through Maven;"
                    + " hint: run mvn verify, which copies it there in generate-test-resources");
        }
        int chosen = port == 0 ? freePort() : port;
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(),
                // The main connector serves plain http on loopback only. S3Mock always adds a second
                // http connector (com.adobe.testing.s3mock.httpPort): port 0 puts it on a random port.
                "--server.port=" + chosen, "--server.address=127.0.0.1", "--server.ssl.enabled=false",
                "--com.adobe.testing.s3mock.httpPort=0",
                "--com.adobe.testing.s3mock.store.root=" + dataDir.toAbsolutePath(),
                "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
                "--com.adobe.testing.s3mock.region=us-east-1",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3MockProcess running = new S3MockProcess(process, chosen);
        running.awaitReady(log);
        return running;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the server lists buckets; fails at once when the process has exited. */
    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest listBuckets = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            Awaitility.await("S3Mock on port " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("S3Mock: exited with code " + process.exitValue()
                                    + " while starting: see its output:\n" + tail(log));
                        }
                        return http.send(listBuckets, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("S3Mock: not serving on port " + port + " after " + START_TIMEOUT.toSeconds()
                    + " s: see its output:\n" + tail(log), e);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public int port() {
        return port;
    }

    /** Stops it as a service manager would (SIGTERM, Spring's orderly shutdown), forcibly after 20 s. */
    @Override
    public void close() throws Exception {
        Runtime.getRuntime().removeShutdownHook(stopAtExit);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
