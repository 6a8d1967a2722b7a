package io.backuprouter.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The record of one fault campaign: its cases, which passed, how many files were lost, and how
 * often a known secret showed up in anything the tool printed or wrote. {@link #finish()} writes
 * one row to {@code target/faults/<campaign>.tsv} (bench/faults/run.sh joins them into the summary
 * table) and fails the test, naming every failed case.
 */
final class Ledger {
    /** Fast: the subset that runs in every {@code mvn verify}; full: {@code -Pfaults} (bench/faults/run.sh). */
    static boolean full() {
        return "full".equals(System.getProperty("faults.scale", "fast"));
    }

    interface Case {
        void run() throws Exception;
    }

    private final String campaign;
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private final List<String> secretHits = new ArrayList<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int cases;
    private long lost;
    private int scanned;

    Ledger(String campaign) {
        this.campaign = campaign;
    }

    /** A value that must never appear in output, logs or result files. */
    Ledger secret(String value) {
        if (value != null && value.length() >= 8) {
            secrets.add(value);
        }
        return this;
    }

    /** Runs one case; a failure is recorded (with its message) and the campaign goes on. */
    void check(String name, Case body) {
        cases++;
        try {
            body.run();
        } catch (Throwable e) {
            String message = String.valueOf(e.getMessage());
            failures.put(name, message.length() > 2000 ? message.substring(0, 2000) + "..." : message);
        }
    }

    /** Files that a snapshot claimed and a restore did not give back, or source files no snapshot has. */
    void lost(long files) {
        lost += files;
    }

    /** A named count for the notes column (files compared, kills by phase, ...). */
    void count(String what, int n) {
        counts.merge(what, n, Integer::sum);
    }

    /** Looks for every known secret in text the tool printed or wrote. */
    void scan(String source, String text) {
        scanned++;
        for (String secret : secrets) {
            if (text.contains(secret)) {
                secretHits.add(source);
            }
        }
    }

    /** Scans every regular file below a folder (logs, result files, state), skipping the listed ones. */
    void scanTree(Path root, Set<Path> skip) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).filter(f -> !skip.contains(f))::iterator) {
                scan(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the campaign's row and fails when a case failed, a file was lost or a secret leaked. */
    void finish() throws IOException {
        int passed = cases - failures.size();
        StringBuilder notes = new StringBuilder();
        counts.forEach((what, n) -> notes.append(notes.isEmpty() ? "" : "; ").append(what).append(": ").append(n));
        if (!failures.isEmpty()) {
            notes.append(notes.isEmpty() ? "" : "; ").append("failed: ").append(String.join(", ", failures.keySet()));
        }
        String row = String.join("\t", campaign, String.valueOf(cases), String.valueOf(passed), String.valueOf(lost),
                scanned + " scanned, " + secretHits.size() + " hits", notes.toString().replace('\t', ' '));
        Path dir = Path.of(System.getProperty("faults.dir", "target/faults"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(campaign + ".tsv"), row + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        System.out.println("fault campaign | " + row.replace("\t", " | "));
        StringBuilder problems = new StringBuilder();
        failures.forEach((name, why) -> problems.append("\n- ").append(name).append(": ").append(why));
        if (lost > 0) {
            problems.append("\n- ").append(lost).append(" files lost");
        }
        if (!secretHits.isEmpty()) {
            problems.append("\n- a known secret appeared in: ").append(String.join(", ", secretHits));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(campaign + " campaign: " + failures.size() + " of " + cases + " cases failed" + problems);
        }
        if (cases == 0 || scanned == 0) {
            throw new AssertionError(campaign + " campaign ran no case or scanned no output");
        }
    }
}
