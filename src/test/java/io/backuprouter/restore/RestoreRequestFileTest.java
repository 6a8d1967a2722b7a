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

    /** backup.restore.allowed-roots left empty: the job's source folder and var/restored. */
    AllowedRoots.ForJob defaults() {
        return job -> AllowedRoots.of(List.of(), dir.resolve("source"), dir.resolve("var/restored"));
    }

    static AllowedRoots.ForJob listed(Path... roots) {
        return job -> AllowedRoots.of(List.of(roots), null, null);
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
                """.formatted(dir.resolve("var/restored/out"))), defaults());
        assertThat(yaml.outsideLinks()).isEqualTo(RestoreRequest.OutsideLinks.CREATE);
        assertThat(yaml.job()).isEqualTo("notes");
        assertThat(yaml.includes()).containsExactly("docs/**", "*.md");
        assertThat(yaml.overwrite()).isEqualTo(RestoreRequest.Overwrite.ALWAYS);
        RestoreRequest json = RestoreRequestFile.read(write("r.json",
                "{\"job\": \"notes\", \"destination\": \"" + dir.resolve("var/restored/out") + "\", \"at\": \"2026-11-20T18:00:00Z\"}"), defaults());
        assertThat(json.snapshot()).isEqualTo("latest");
        assertThat(json.at()).hasToString("2026-11-20T18:00:00Z");
        assertThat(json.overwrite()).isEqualTo(RestoreRequest.Overwrite.IF_OLDER);
        assertThat(json.outsideLinks()).isEqualTo(RestoreRequest.OutsideLinks.REFUSE);
    }

    @Test
    void everyKindOfBadRequestSaysWhatIsWrong() throws IOException {
        assertInvalid(write("a.yaml", "destination: /tmp/x\n"), defaults(), "\"job\" is missing");
        assertInvalid(write("b.yaml", "job: x\n"), defaults(), "\"destination\" is missing");
        assertInvalid(write("c.yaml", "job: x\ndestination: /tmp/x\ncolour: red\n"), defaults(), "unknown field \"colour\"");
        assertInvalid(write("c2.yaml", "job: x\ndestinaton: /tmp/x\n"), defaults(),
                "unknown field \"destinaton\" (line 2); did you mean destination?");
        assertInvalid(write("c3.json", "{\"job\": \"x\", \"destinaton\": \"/tmp/x\"}"), defaults(),
                "unknown field \"destinaton\" (line 1); did you mean destination?");
        assertInvalid(write("d.yaml", "job: x\ndestination: /tmp/x\nat: yesterday\n"), defaults(), "\"at\": \"yesterday\" is not a time");
        assertInvalid(write("e.yaml", "job: x\ndestination: /tmp/x\noverwrite: sometimes\n"), defaults(),
                "\"overwrite\" (line 3): \"sometimes\" is not never, if-older or always");
        assertInvalid(write("e1.json", "{\"job\": \"x\",\n \"destination\": \"/tmp/x\",\n \"outsideLinks\": \"follow\"}"), defaults(),
                "\"outsideLinks\" (line 3): \"follow\" is not refuse, skip or create");
        assertInvalid(write("e2.yaml", "job: x\ndestination: /tmp/x\nsnapshot: 20261122T051500.123Z-3fa9c2d1\n"
                + "at: 2026-11-20T18:00:00Z\n"), defaults(), "each choose a snapshot; give one of them");
        assertInvalid(write("e3.yaml", "job: x\ndestination: /tmp/x\nsnapshot: latest\nat: 2026-11-20T18:00:00Z\n"), defaults(),
                "each choose a snapshot; give one of them");
        assertInvalid(write("e4.yaml", "job: x\ndestination: /tmp/x\ndestination: /tmp/y\n"), defaults(),
                "\"destination\" is given twice (line 3");
        assertInvalid(write("e5.json", "{\"job\": \"x\", \"destination\": \"/tmp/x\", \"destination\": \"/tmp/y\"}"), defaults(),
                "\"destination\" is given twice");
        assertInvalid(write("f.yaml", "job: x\ndestination: /\n"), defaults(), "is the root of the file system");
        assertInvalid(write("g.yaml", "job: x\ndestination: /\n"), defaults(), "backup.restore.allowed-roots");
        assertInvalid(write("g.yaml", "job: x\ndestination: /usr/local/restored\n"), defaults(), "is a system folder (/usr)");
        assertInvalid(write("h.yaml", "{{{ not yaml"), defaults(), "not a YAML or JSON request");
        assertInvalid(write("i.yaml", "job: x\ndestination: /srv/other\n"), listed(Path.of("/srv/restores")),
                "outside the allowed roots (/srv/restores");
        assertInvalid(write("j.yaml", "job: x\ndestination: /tmp/x\n#" + "x".repeat(70_000) + "\n"), defaults(),
                "a request is at most 65536 bytes");
    }

    @Test
    void aValueOfTheWrongShapeNamesItsFieldAndLineNotJavaTypes() throws Exception {
        assertInvalid(write("k.yaml", "job: x\ndestination: [unclosed\n"), defaults(),
                "\"destination\" (line 2, column 14): expected text, like destination: /srv/restored");
        assertInvalid(write("l.yaml", "job: x\ndestination: /tmp/x\ninclude: {docs: yes}\n"), defaults(),
                "\"include\" (line 3, column 10): expected a list of patterns, like include: [\"docs/**\"");
        assertInvalid(write("m.yaml", "just a string\n"), defaults(), "not a request (line 1, column 1): write its fields");
        assertInvalid(write("n.yaml", "job: x\ndestination: \"/tmp/x\n"), defaults(), "not a YAML or JSON request (line ");
        for (String name : List.of("k.yaml", "l.yaml", "m.yaml", "n.yaml")) {
            assertThatThrownBy(() -> RestoreRequestFile.read(dir.resolve(name), defaults()))
                    .message().doesNotContain("java.", "Cannot construct", "Cannot deserialize", "JsonToken");
        }
        // One pattern as a string is a list of one.
        RestoreRequest one = RestoreRequestFile.read(write("o.json",
                "{\"job\": \"notes\", \"destination\": \"" + dir.resolve("var/restored/out") + "\", \"include\": \"notes/**\"}"), defaults());
        assertThat(one.includes()).containsExactly("notes/**");
    }

    @Test
    void aLinkInsideTheAllowedRootCannotLeadOutOfIt() throws Exception {
        Path allowed = java.nio.file.Files.createDirectories(dir.resolve("allowed"));
        Path outside = java.nio.file.Files.createDirectories(dir.resolve("outside"));
        java.nio.file.Files.createSymbolicLink(allowed.resolve("link"), outside);
        assertInvalid(write("k.yaml", "job: x\ndestination: " + allowed.resolve("link/sub") + "\n"), listed(allowed),
                "outside the allowed roots");
        assertThat(RestoreRequestFile.read(write("l.yaml", "job: x\ndestination: " + allowed.resolve("sub") + "\n"),
                listed(allowed)).destination()).isEqualTo(allowed.resolve("sub"));
    }

    @Test
    void byDefaultARequestRestoresOnlyIntoItsJobsSourceFolderOrVarRestored() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path restored = dir.resolve("var/restored");
        assertThat(RestoreRequestFile.read(write("a.yaml", "job: x\ndestination: " + source + "\n"), defaults()).destination())
                .isEqualTo(source);
        assertThat(RestoreRequestFile.read(write("b.yaml", "job: x\ndestination: " + restored.resolve("x") + "\n"), defaults())
                .destination()).isEqualTo(restored.resolve("x"));
        // A relative destination is taken from the folder the router runs in, as before: ../.. is refused
        // (here as the root of the file system or as outside the roots, depending on where the test runs).
        assertInvalid(write("c0.yaml", "job: x\ndestination: ../..\n"), defaults(), "destination /");
        for (String outside : List.of("../restored", dir.resolve("var").toString(), dir.resolve("source-2").toString(),
                dir.resolve("var/restored/../elsewhere").toString())) {
            assertInvalid(write("c.yaml", "job: x\ndestination: " + outside + "\n"), defaults(),
                    " is outside the allowed roots (" + source + ", " + restored + "): by default a dropped request"
                            + " restores only into its job's source folder or var/restored\n    hint: restore into one of"
                            + " them, or list the folders requests may restore into in backup.restore.allowed-roots");
        }
        Files.createDirectories(restored);
        Files.createSymbolicLink(restored.resolve("link"), Files.createDirectories(dir.resolve("outside")));
        assertInvalid(write("d.yaml", "job: x\ndestination: " + restored.resolve("link/x") + "\n"), defaults(),
                "destination " + dir.toRealPath().resolve("outside/x") + " is outside the allowed roots");
        // A job that backs up a system folder: a dropped request does not restore into it unless the setting says so.
        AllowedRoots.ForJob etc = job -> AllowedRoots.of(List.of(), Path.of("/etc"), restored);
        assertInvalid(write("e.yaml", "job: x\ndestination: /etc/x\n"), etc,
                "destination /etc/x is a system folder (/etc): dropped requests do not restore into system folders\n"
                        + "    hint: restore into var/restored/<job>, or list the folder in backup.restore.allowed-roots");
        // Folders listed in the setting replace the defaults.
        assertInvalid(write("f.yaml", "job: x\ndestination: " + source + "\n"), listed(dir.resolve("restores")),
                "outside the allowed roots (" + dir.resolve("restores") + "), set by backup.restore.allowed-roots\n"
                        + "    hint: restore into one of them, or add the folder to backup.restore.allowed-roots");
    }

    private static void assertInvalid(Path file, AllowedRoots.ForJob roots, String message) {
        assertThatThrownBy(() -> RestoreRequestFile.read(file, roots)).as(file.getFileName().toString())
                .isInstanceOf(RestoreRequestFile.Invalid.class).hasMessageContaining(message);
    }
}
