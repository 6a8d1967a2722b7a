package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.config.TargetSettings;
import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict server refuses the AWS SDK's default checksums as R2, OSS, COS and MinIO do. Every
 * non-AWS preset must work against it (write, read, delete, multipart); the aws preset must not,
 * which proves the server is strict and the presets are what makes the difference.
 */
class ProviderPresetsOnStrictServerIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.strict();
    static String bucket;

    @BeforeAll
    static void bucket() {
        bucket = S3.createBucket();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cloudflare-r2", "aliyun-oss", "tencent-cos", "qingstor", "huawei-obs", "minio", "other"})
    void everyNonAwsPresetWorksAgainstAStrictServer(String provider) {
        TargetSettings target = TestTargets.s3(provider, S3, bucket, provider, provider);
        try (ObjectStore store = Targets.open(target)) {
            TargetCheck.Result result = TargetCheck.check(target, store);
            assertThat(result.ok()).as(TargetCheck.render(result)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws"})
    void theAwsPresetsDefaultChecksumsAreRefusedByAStrictServer(String provider) {
        TargetSettings target = TestTargets.s3(provider, S3, bucket, provider, provider);
        try (ObjectStore store = Targets.open(target)) {
            TargetCheck.Result result = TargetCheck.check(target, store);
            assertThat(result.ok()).isFalse();
            assertThat(result.failure()).as(TargetCheck.render(result)).contains("the server found another SHA-256 of the body");
            assertThat(result.hint()).contains("use a provider preset other than aws");
        }
    }
}
