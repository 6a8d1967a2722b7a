package io.backuprouter.config;

import io.backuprouter.UserException;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the configuration, reported together. */
public class ConfigException extends UserException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        String heading = problems.size() == 1
                ? "The configuration has a problem:"
                : "The configuration has " + problems.size() + " problems:";
        return heading + "\n" + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
