package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backuprouter.config.ConfigException;
import io.backuprouter.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A YAML mistake is reported at the line that holds it, not at the start of the block around it. */
class RouteFilesTest {
    private static final String ROUTE = """
            - route:
                from:
                  uri: kamelet:backup-on-schedule
                  parameters:
                    job: docs
                    source: /srv/docs
                    targets: local
                    recipients: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq
                    keepLast: 3
                    schedule: "0 0 3 * * ?"
            """;

    @TempDir
    Path dir;

    @org.junit.jupiter.api.Test
    void aRouteWithoutStepsIsNamedBeforeCamelRefusesIt() throws Exception {
        Files.writeString(dir.resolve("docs.camel.yaml"), ROUTE);
        Files.writeString(dir.resolve("bare.camel.yaml"), "- from:\n    uri: timer:tick\n    steps: []\n");
        Files.writeString(dir.resolve("fine.camel.yaml"), ROUTE.replace("docs", "notes")
                + "      steps:\n        - log: \"${body}\"\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteFiles.validate(dir));

        assertThat(e.problems()).extracting(Object::toString).containsExactly(
                dir.resolve("bare.camel.yaml") + ":1: from: the route has no steps, and Camel refuses a route without any"
                        + "\n    hint: add steps: under from:, with at least one step, as the shipped routes do:"
                        + "\n      steps:\n        - log: \"${body}\"     # logs each run's summary",
                dir.resolve("docs.camel.yaml") + ":2: from: the route has no steps, and Camel refuses a route without any"
                        + "\n    hint: add steps: under from:, with at least one step, as the shipped routes do:"
                        + "\n      steps:\n        - log: \"${body}\"     # logs each run's summary");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // what                      | key      | indent | value                | reported line
            "a dedented last key          | schedule | 7      | '\"0 0 3 * * ?\"'   | 10",
            "an over-indented middle key  | keepLast | 10     | 3                    | 9",
            "an unclosed quote at the end | schedule | 8      | '\"0 0 3 * * ?'     | 10",
    })
    void aMistakeIsReportedAtItsLine(String what, String key, int indent, String value, int line) throws Exception {
        String[] lines = ROUTE.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().startsWith(key + ":")) {
                lines[i] = " ".repeat(indent) + key + ": " + value;
            }
        }
        Files.writeString(dir.resolve("docs.camel.yaml"), String.join("\n", lines) + "\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteFiles.validate(dir));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).as(what + ": " + p).isEqualTo(line);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }
}
