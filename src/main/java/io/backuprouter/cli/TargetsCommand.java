package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.config.TargetSettings;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.TargetCheck;
import io.backuprouter.targets.Targets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code targets}: list and check the configured targets. */
@Command(name = "targets", mixinStandardHelpOptions = true, description = "List and check the configured targets.",
        subcommands = {TargetsCommand.List.class, TargetsCommand.Check.class})
final class TargetsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the targets and where they store.")
    static final class List implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ConfigOptions options = ConfigOptions.of(spec);
            try (LoadedConfig loaded = LoadedConfig.load(options.config(), LoadedConfig.Embedded.NONE)) {
                PrintWriter out = spec.commandLine().getOut();
                for (TargetSettings target : loaded.settings().targets().values()) {
                    out.printf("%-16s %-14s %s%n", target.name(),
                            target.isFolder() ? "folder" : target.preset().name(), target.location());
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks that each target works, and says why when one does not.",
                    "In order: reachable, credentials accepted, bucket exists, and write + read + delete of a probe "
                    + "object under the root path. Exits 0 only when every checked target passes."})
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "NAME", description = "Targets to check (default: all).")
        java.util.List<String> names = new ArrayList<>();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ConfigOptions options = ConfigOptions.of(spec);
            try (LoadedConfig loaded = LoadedConfig.load(options.config(), LoadedConfig.Embedded.IF_NOT_RUNNING)) {
                var all = loaded.settings().targets();
                if (all.isEmpty()) {
                    throw new UserException("no targets are configured in " + options.config()
                            + "\n    hint: add backup.targets.<name>.* settings (see README, Configuration)");
                }
                for (String name : names) {
                    if (!all.containsKey(name)) {
                        throw new UserException("unknown target \"" + name + "\"; configured: "
                                + String.join(", ", all.keySet()));
                    }
                }
                java.util.List<TargetSettings> chosen = names.isEmpty() ? java.util.List.copyOf(all.values())
                        : names.stream().map(all::get).toList();
                PrintWriter out = spec.commandLine().getOut();
                int failed = 0;
                for (TargetSettings target : chosen) {
                    try (ObjectStore store = Targets.open(target)) {
                        TargetCheck.Result result = TargetCheck.check(target, store);
                        out.println(TargetCheck.render(result));
                        out.flush();
                        failed += result.ok() ? 0 : 1;
                    }
                }
                out.println(failed == 0 ? "All " + chosen.size() + " target(s) passed."
                        : failed + " of " + chosen.size() + " target(s) failed.");
                out.flush();
                return failed == 0 ? 0 : BackupRouterCommand.FAILED;
            }
        }
    }
}
