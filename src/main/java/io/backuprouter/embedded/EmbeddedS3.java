package io.backuprouter.embedded;

import io.backuprouter.UserException;
import io.backuprouter.config.EmbeddedS3Settings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded S3-compatible endpoint: S3Proxy with its filesystem blob store, on a local port,
 * with credentials generated on first start and kept in two files readable by the owner only.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = KEY_ALPHABET + "abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long a shared endpoint's stop waits for requests in flight (S3Proxy's default): 30 s. */
    static final long SHARED_STOP_MILLIS = 30_000;

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final EmbeddedS3Settings settings;

    private EmbeddedS3(S3Proxy proxy, BlobStore blobStore, EmbeddedS3Settings settings) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.settings = settings;
    }

    /**
     * Starts the endpoint: creates the data folder, the credentials (first start only) and the
     * bucket (if missing).
     *
     * @throws UserException when the port is taken or a folder cannot be created
     */
    public static EmbeddedS3 start(EmbeddedS3Settings settings) {
        return start(settings, true);
    }

    /**
     * Like {@link #start(EmbeddedS3Settings)}; {@code shared}: an endpoint others use (the router,
     * serve-s3) says where it listens at INFO and, when it stops, lets requests in flight finish (for up to
     * {@value #SHARED_STOP_MILLIS} ms); a one-shot command's private endpoint says where at DEBUG and stops at
     * once: when the command closes it, its own requests are done, and waiting would only wait for the
     * idle keep-alive connections its S3 clients left open (Jetty closes those a second or two into a
     * graceful stop: every such command ended about 2 s late).
     */
    public static EmbeddedS3 start(EmbeddedS3Settings settings, boolean shared) {
        String[] credentials = ensureCredentials(settings);
        String accessKey = credentials[0];
        String secretKey = credentials[1];
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", settings.dataDir().toAbsolutePath().toString());
        BlobStore blobStore = new WholeObjectsOnly(BlobStores.create("filesystem-nio2", properties));
        if (!blobStore.containerExists(settings.bucket())) {
            blobStore.createContainer(settings.bucket());
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://" + settings.host() + ":" + settings.port()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // Allow single PUTs up to the provider maximum; multipart is used above the part size anyway.
                .v4MaxNonChunkedRequestSize(5L * 1024 * 1024 * 1024)
                .ignoreUnknownHeaders(true)
                .stopTimeout(shared ? SHARED_STOP_MILLIS : 0)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            if (isBindFailure(e)) {
                throw new UserException("embedded S3 endpoint: port " + settings.port() + " on " + settings.host()
                        + " is already in use"
                        + "\n    hint: stop the other program (or router) using it, or set backup.embedded-s3.port");
            }
            throw new UserException("embedded S3 endpoint: failed to start: " + e.getMessage(), e);
        }
        EmbeddedS3 embedded = new EmbeddedS3(proxy, blobStore, settings);
        LOG.atLevel(shared ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                .log("Embedded S3 endpoint on {} (bucket \"{}\", data in {}, credentials in {})",
                        embedded.endpoint(), settings.bucket(), settings.dataDir(), settings.credentialsDir());
        return embedded;
    }

    /**
     * Creates the data folder and, on first use, the credentials; returns {access key, secret key}.
     * Cheap, so that settings referring to the credential files can be checked before anything starts.
     */
    public static String[] ensureCredentials(EmbeddedS3Settings settings) {
        try {
            Files.createDirectories(settings.dataDir());
            return new String[] {readOrCreate(settings.accessKeyFile(), "BR" + random(KEY_ALPHABET, 18)),
                    readOrCreate(settings.secretKeyFile(), random(SECRET_ALPHABET, 40))};
        } catch (IOException e) {
            throw new UserException("embedded S3 endpoint: cannot prepare " + settings.dataDir() + " and "
                    + settings.credentialsDir() + ": " + e.getMessage()
                    + "\n    hint: check permissions, or change backup.embedded-s3.dir / credentials-dir", e);
        }
    }

    /** Whether something already listens on the configured address (e.g. a running router). */
    public static boolean portInUse(EmbeddedS3Settings settings) {
        if (settings.port() == 0) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.host(), settings.port()));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static String readOrCreate(Path file, String fresh) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException raced) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return fresh;
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        return proxy.getPort();
    }

    public URI endpoint() {
        return URI.create("http://" + settings.host() + ":" + port());
    }

    public EmbeddedS3Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("Embedded S3 endpoint did not stop cleanly: {}", e.getMessage());
        }
        blobStore.close();
    }
}
