package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

import org.junit.jupiter.api.Test;

/** The one line a failed command prints for an error that is not a {@code UserException}. */
class ErrorChainTest {
    @Test
    void anAwsErrorIsSaidOnceAndAFileErrorSaysWhatIsWrong() {
        S3Exception aws = (S3Exception) S3Exception.builder().statusCode(403)
                .message("The request signature we calculated does not match the signature you provided. "
                        + "(Service: S3, Status Code: 403, Request ID: 187CB8A)")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SignatureDoesNotMatch")
                        .errorMessage("The request signature we calculated does not match the signature you provided.")
                        .build())
                .build();
        IOException ours = new IOException("b: list copy/: credentials refused: the secret key does not match the access key "
                + "(SignatureDoesNotMatch (HTTP 403): The request signature we calculated does not match the signature you "
                + "provided.) (hint: check backup.targets.b.secret-key)", aws);

        String line = BackupRouterCommand.chain(ours);

        assertThat(line).startsWith("b: list copy/: credentials refused").endsWith("(hint: check backup.targets.b.secret-key)");
        assertThat(line.split("The request signature we calculated", -1)).hasSize(2);
        assertThat(BackupRouterCommand.chain(new IOException("restore failed", new AccessDeniedException("/srv/x"))))
                .isEqualTo("restore failed: /srv/x: permission denied");
    }
}
