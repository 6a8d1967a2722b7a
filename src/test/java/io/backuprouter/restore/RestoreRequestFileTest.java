package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreRequestFileTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void yamlAndJsonRequestsRead() throws Exception {
        RestoreRequest yaml = RestoreRequestFile.read(write("r.yaml", """
                job: notes
                destination: %s
                snapshot: 20261122T051500.123Z-3fa9c2d1
                target: r2
                include: ["docs/**", "*.md"]
                overwrite: always
                outsideLinks: create
                """.formatted(dir.resolve("out"))), List.of());
        assertThat(yaml.outsideLinks()).isEqualTo(RestoreRequest.OutsideLinks.CREATE);
        assertThat(yaml.job()).isEqualTo("notes");
        assertThat(yaml.includes()).containsExactly("docs/**", "*.md");
        assertThat(yaml.overwrite()).isEqualTo(RestoreRequest.Overwrite.ALWAYS);
        RestoreRequest json = RestoreRequestFile.read(write("r.json",
                "{\"job\": \"notes\", \"destination\": \"" + dir.resolve("out") + "\", \"at\": \"2026-11-20T18:00:00Z\"}"), List.of());
        assertThat(json.snapshot()).isEqualTo("latest");
        assertThat(json.at()).hasToString("2026-11-20T18:00:00Z");
        assertThat(json.overwrite()).isEqualTo(RestoreRequest.Overwrite.IF_OLDER);
        assertThat(json.outsideLinks()).isEqualTo(RestoreRequest.OutsideLinks.REFUSE);
    }

    @Test
    void everyKindOfBadRequestSaysWhatIsWrong() throws IOException {
        assertInvalid(write("a.yaml", "destination: /tmp/x\n"), List.of(), "\"job\" is missing");
        assertInvalid(write("b.yaml", "job: x\n"), List.of(), "\"destination\" is missing");
        assertInvalid(write("c.yaml", "job: x\ndestination: /tmp/x\ncolour: red\n"), List.of(), "unknown field \"colour\"");
        assertInvalid(write("c2.yaml", "job: x\ndestinaton: /tmp/x\n"), List.of(),
                "unknown field \"destinaton\" (line 2); did you mean destination?");
        assertInvalid(write("c3.json", "{\"job\": \"x\", \"destinaton\": \"/tmp/x\"}"), List.of(),
                "unknown field \"destinaton\" (line 1); did you mean destination?");
        assertInvalid(write("d.yaml", "job: x\ndestination: /tmp/x\nat: yesterday\n"), List.of(), "\"at\": \"yesterday\" is not a time");
        assertInvalid(write("e.yaml", "job: x\ndestination: /tmp/x\noverwrite: sometimes\n"), List.of(),
                "\"overwrite\" (line 3): \"sometimes\" is not never, if-older or always");
        assertInvalid(write("e1.json", "{\"job\": \"x\",\n \"destination\": \"/tmp/x\",\n \"outsideLinks\": \"follow\"}"), List.of(),
                "\"outsideLinks\" (line 3): \"follow\" is not refuse, skip or create");
        assertInvalid(write("e2.yaml", "job: x\ndestination: /tmp/x\nsnapshot: 20261122T051500.123Z-3fa9c2d1\n"
                + "at: 2026-11-20T18:00:00Z\n"), List.of(), "each choose a snapshot; give one of them");
        assertInvalid(write("e3.yaml", "job: x\ndestination: /tmp/x\nsnapshot: latest\nat: 2026-11-20T18:00:00Z\n"), List.of(),
                "each choose a snapshot; give one of them");
        assertInvalid(write("e4.yaml", "job: x\ndestination: /tmp/x\ndestination: /tmp/y\n"), List.of(),
                "\"destination\" is given twice (line 3");
        assertInvalid(write("e5.json", "{\"job\": \"x\", \"destination\": \"/tmp/x\", \"destination\": \"/tmp/y\"}"), List.of(),
                "\"destination\" is given twice");
        assertInvalid(write("f.yaml", "job: x\ndestination: /\n"), List.of(), "is the root of the file system");
        assertInvalid(write("g.yaml", "job: x\ndestination: /usr/local/restored\n"), List.of(), "is a system folder (/usr)");
        assertInvalid(write("h.yaml", "{{{ not yaml"), List.of(), "not a YAML or JSON request");
        assertInvalid(write("i.yaml", "job: x\ndestination: /srv/other\n"), List.of(Path.of("/srv/restores")),
                "outside the allowed roots (/srv/restores");
        assertInvalid(write("j.yaml", "job: x\ndestination: /tmp/x\n#" + "x".repeat(70_000) + "\n"), List.of(),
                "a request is at most 65536 bytes");
    }

    @Test
    void aValueOfTheWrongShapeNamesItsFieldAndLineNotJavaTypes() throws Exception {
        assertInvalid(write("k.yaml", "job: x\ndestination: [unclosed\n"), List.of(),
                "\"destination\" (line 2, column 14): expected text, like destination: /srv/restored");
        assertInvalid(write("l.yaml", "job: x\ndestination: /tmp/x\ninclude: {docs: yes}\n"), List.of(),
                "\"include\" (line 3, column 10): expected a list of patterns, like include: [\"docs/**\"");
        assertInvalid(write("m.yaml", "just a string\n"), List.of(), "not a request (line 1, column 1): write its fields");
        assertInvalid(write("n.yaml", "job: x\ndestination: \"/tmp/x\n"), List.of(), "not a YAML or JSON request (line ");
        for (String name : List.of("k.yaml", "l.yaml", "m.yaml", "n.yaml")) {
            assertThatThrownBy(() -> RestoreRequestFile.read(dir.resolve(name), List.of()))
                    .message().doesNotContain("java.", "Cannot construct", "Cannot deserialize", "JsonToken");
        }
        // One pattern as a string is a list of one.
        RestoreRequest one = RestoreRequestFile.read(write("o.json",
                "{\"job\": \"notes\", \"destination\": \"" + dir.resolve("out") + "\", \"include\": \"notes/**\"}"), List.of());
        assertThat(one.includes()).containsExactly("notes/**");
    }

    @Test
    void aLinkInsideTheAllowedRootCannotLeadOutOfIt() throws Exception {
        Path allowed = java.nio.file.Files.createDirectories(dir.resolve("allowed"));
        Path outside = java.nio.file.Files.createDirectories(dir.resolve("outside"));
        java.nio.file.Files.createSymbolicLink(allowed.resolve("link"), outside);
        assertInvalid(write("k.yaml", "job: x\ndestination: " + allowed.resolve("link/sub") + "\n"), List.of(allowed),
                "outside the allowed roots");
        assertThat(RestoreRequestFile.read(write("l.yaml", "job: x\ndestination: " + allowed.resolve("sub") + "\n"),
                List.of(allowed)).destination()).isEqualTo(allowed.resolve("sub"));
    }

    private static void assertInvalid(Path file, List<Path> roots, String message) {
        assertThatThrownBy(() -> RestoreRequestFile.read(file, roots)).as(file.getFileName().toString())
                .isInstanceOf(RestoreRequestFile.Invalid.class).hasMessageContaining(message);
    }
}
