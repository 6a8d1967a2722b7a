package io.backuprouter.cli;

import io.backuprouter.config.EmbeddedS3Settings;
import io.backuprouter.embedded.EmbeddedS3;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve-s3}: the embedded S3-compatible endpoint alone, for aws-cli, rclone or a second router. */
@Command(name = "serve-s3", mixinStandardHelpOptions = true,
        description = {"Runs the embedded S3-compatible endpoint alone until stopped (Ctrl-C).",
                "Credentials are generated on first start into DIR's credentials folder."})
final class ServeS3Command implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "var/embedded-s3",
            description = "Folder for the data (DIR/data) and credentials (DIR/access-key, DIR/secret-key) (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9380", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bucket", defaultValue = "backups", description = "Bucket to create if missing (default: ${DEFAULT-VALUE}).")
    String bucket;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedS3Settings settings = new EmbeddedS3Settings(true, host, port, dir.resolve("data"), dir, bucket);
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedS3 server = EmbeddedS3.start(settings)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "serve-s3-stop"));
            var out = spec.commandLine().getOut();
            out.println("S3 endpoint: " + server.endpoint() + "   bucket: " + bucket);
            out.println("Credentials: " + settings.accessKeyFile() + " and " + settings.secretKeyFile());
            out.println("For example:  AWS_ACCESS_KEY_ID=$(cat " + settings.accessKeyFile()
                    + ") AWS_SECRET_ACCESS_KEY=$(cat " + settings.secretKeyFile() + ") aws --endpoint-url "
                    + server.endpoint() + " s3 ls s3://" + bucket);
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
