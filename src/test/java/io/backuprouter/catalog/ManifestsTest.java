package io.backuprouter.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    private static void refused(String json, String message) {
        assertThatThrownBy(() -> Manifests.readJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "a:j/x"))
                .isInstanceOf(Manifests.Unreadable.class).hasMessage("a:j/x: not a valid snapshot manifest: " + message);
    }

    @Test
    void aFieldOfTheWrongKindIsNamedInTheManifestsOwnWords() {
        String head = "{\"format\":\"backup-router/snapshot\",\"version\":1,";
        refused(head + "\"files\":[{\"path\":\"a\",\"size\":\"abc\"}]}", "field files[0].size holds a value \"abc\" of the wrong kind");
        refused(head + "\"files\":\"nope\"}", "field files holds a value of the wrong kind");
        refused(head + "\"time\":\"yesterday\"}", "field time holds a value \"yesterday\" of the wrong kind");
    }
}
