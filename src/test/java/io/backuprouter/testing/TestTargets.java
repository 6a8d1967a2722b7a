package io.backuprouter.testing;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.config.TargetSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/** Targets pointing at test servers, read through the real settings code. */
public final class TestTargets {
    private TestTargets() {
    }

    /**
     * The settings lines of an S3 target on a test server. Credentials go through {@code {{sys:...}}}
     * placeholders, as real secrets go through {@code {{env:...}}}.
     */
    public static Map<String, String> s3Lines(String name, TestS3Server server, String bucket, String rootPath,
                                              String provider) {
        String secretProperty = "test.s3." + server.port() + ".secret";
        String accessProperty = "test.s3." + server.port() + ".access";
        System.setProperty(secretProperty, server.secretKey());
        System.setProperty(accessProperty, server.accessKey());
        String prefix = "backup.targets." + name + ".";
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put(prefix + "provider", provider);
        lines.put(prefix + "endpoint", server.endpoint().toString());
        lines.put(prefix + "region", "us-east-1");
        lines.put(prefix + "addressing", "path");
        lines.put(prefix + "bucket", bucket);
        lines.put(prefix + "root-path", rootPath);
        lines.put(prefix + "part-size", "5MiB");
        lines.put(prefix + "access-key", "{{sys:" + accessProperty + "}}");
        lines.put(prefix + "secret-key", "{{sys:" + secretProperty + "}}");
        return lines;
    }

    public static TargetSettings s3(String name, TestS3Server server, String bucket, String rootPath, String provider) {
        ConfigFile file = ConfigFile.of("test.properties", s3Lines(name, server, bucket, rootPath, provider));
        return RouterSettings.read(file).target(name).orElseThrow();
    }
}
