package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HelpTest {
    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.of(List.of("--help"), List.of("run", "--help"), List.of("targets", "--help"),
                List.of("targets", "check", "--help"), List.of("targets", "list", "--help"),
                List.of("serve-s3", "--help"), List.of("keygen", "--help"))) {
            Cli.Result result = Cli.run(command.toArray(String[]::new));
            assertThat(result.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(result.out()).as(String.join(" ", command)).startsWith("Usage: backup-router");
        }
    }

    @Test
    void sharedOptionsWorkBeforeAndAfterTheCommand() {
        for (String[] args : new String[][] {
                {"--config", "no/such.properties", "targets", "list"},
                {"targets", "list", "--config", "no/such.properties"},
                {"targets", "--config", "no/such.properties", "check"}}) {
            Cli.Result result = Cli.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.err()).as(String.join(" ", args)).contains("no/such.properties: file not found");
        }
        assertThat(Cli.run("keygen", "--verbose", "--help").exitCode()).isZero();
        assertThat(Cli.run("serve-s3", "--verbose", "--help").exitCode()).isZero();
    }

    @Test
    void everyCommandSummaryIsACompleteSentence() {
        Cli.Result result = Cli.run("--help");
        result.out().lines().filter(l -> l.matches("  [a-z-]+ {2,}\\S.*")).forEach(line ->
                assertThat(line.strip()).as(line).endsWith("."));
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        Cli.Result result = Cli.run("targets", "chekc");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("chekc");
        // The error, a suggestion and where the options are: not buried under the whole usage text.
        Cli.Result option = Cli.run("restore", "notes", "--to", "restored", "--overwirte", "never");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).startsWith("error: Unknown options: '--overwirte', 'never'")
                .contains("--overwrite").contains("(backup-router restore --help lists the options)")
                .doesNotContain("Usage:");
        assertThat(option.err().lines().count()).isLessThan(8);
        // A misspelt required option: the misspelling is named, not only the missing option.
        Cli.Result missing = Cli.run("restore", "notes", "--too", "/tmp/x");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: unknown option --too (did you mean --to?)");
    }

    @Test
    void aDeleteCeilingOutsideZeroToAHundredIsAUsageError() {
        Cli.Result result = Cli.run("mirror", "demo-mirror", "--max-delete-percent", "150");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--max-delete-percent 150 is not a percentage from 0 to 100");
    }

    @Test
    void anUnknownPolicyForOutsideLinksIsAUsageError() {
        Cli.Result result = Cli.run("restore", "notes", "--to", "restored", "--outside-links", "follow");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--outside-links \"follow\" is not refuse, skip or create");
    }

    @Test
    void aSnapshotIdAndATimeTogetherAreAUsageError() {
        Cli.Result result = Cli.run("restore", "notes", "--to", "restored", "--snapshot", "20261122T051500.123Z-3fa9c2d1",
                "--at", "2026-11-20T18:00:00Z");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("each choose a snapshot; give one of them");
        Cli.Result latest = Cli.run("restore", "notes", "--to", "restored", "--snapshot", "latest", "--at", "2026-11-20T18:00:00Z");
        assertThat(latest.exitCode()).isEqualTo(2);
        assertThat(latest.err()).contains("--snapshot latest and --at 2026-11-20T18:00:00Z each choose a snapshot");
    }
}
