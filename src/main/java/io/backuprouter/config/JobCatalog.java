package io.backuprouter.config;

import io.backuprouter.values.Durations;
import io.backuprouter.crypto.Age;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup jobs declared in the route files: every use of a {@code kamelet:backup-on-change},
 * {@code kamelet:backup-on-schedule} or {@code kamelet:backup-run} endpoint, with its parameters.
 * One-shot commands read jobs from here without starting Camel; the router's kamelets look their
 * job up here by name, so both always see the same settings.
 */
public final class JobCatalog {
    /** The kamelets that declare a job. */
    public static final List<String> JOB_KAMELETS = List.of("backup-on-change", "backup-on-schedule", "backup-run");

    private final Map<String, JobSettings> jobs;

    private JobCatalog(Map<String, JobSettings> jobs) {
        this.jobs = jobs;
    }

    public Map<String, JobSettings> jobs() {
        return jobs;
    }

    public Optional<JobSettings> job(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    /** Reads every {@code *.yaml} in the folder; all problems are reported together. */
    public static JobCatalog read(Path routesDir, RouterSettings settings) {
        return read(routesDir, settings, name -> false, (name, problem) -> { });
    }

    /**
     * For a command about one job: problems in the declarations of other jobs (a passphrase variable
     * set only where the router runs, say) are handed to {@code elsewhere} instead of stopping it;
     * those of this job, and those no job can be told from, still do.
     */
    public static JobCatalog readFor(Path routesDir, RouterSettings settings, String job,
                                     java.util.function.Consumer<ConfigProblem> elsewhere) {
        return read(routesDir, settings, name -> !name.equals(job), (name, problem) -> elsewhere.accept(problem));
    }

    /**
     * For a command about every job ({@code status}): each job with a problem in its declaration is
     * left out and handed to {@code broken} with it; problems no job can be told from still stop it.
     */
    public static JobCatalog readEach(Path routesDir, RouterSettings settings,
                                      java.util.function.BiConsumer<String, ConfigProblem> broken) {
        return read(routesDir, settings, name -> true, broken);
    }

    private static JobCatalog read(Path routesDir, RouterSettings settings, java.util.function.Predicate<String> leftAside,
                                   java.util.function.BiConsumer<String, ConfigProblem> elsewhere) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, JobSettings> jobs = new LinkedHashMap<>();
        List<KameletUses.Declaration> declarations = KameletUses.findAll(routesDir, JOB_KAMELETS, problems);
        problems.addAll(KameletUses.misspelt(routesDir));
        for (KameletUses.Declaration declaration : declarations) {
            List<ConfigProblem> own = new ArrayList<>(declaration.misplaced(JobSettings.SETTINGS));
            JobSettings job = JobSettingsReader.read(declaration, settings, own);
            String name = declaration.parameters().get("job");
            if (name != null && leftAside.test(name)) {
                own.forEach(problem -> elsewhere.accept(name, problem));
                if (!own.isEmpty()) {
                    continue;
                }
            } else {
                problems.addAll(own);
            }
            if (job == null) {
                continue;
            }
            JobSettings earlier = jobs.get(job.name());
            if (earlier != null && !sameSettings(earlier, job)) {
                problems.add(new ConfigProblem(declaration.file(), declaration.line(), "job",
                        "job \"" + job.name() + "\" is also declared at " + earlier.declaredAt() + " with other settings",
                        "give each job one declaration, or the same parameters in both places"));
            } else if (earlier == null) {
                jobs.put(job.name(), job);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new JobCatalog(jobs);
    }

    private static boolean sameSettings(JobSettings a, JobSettings b) {
        return a.source().equals(b.source()) && a.targets().equals(b.targets()) && a.recipients().equals(b.recipients());
    }

    /** Reads one declaration into settings. */
    static final class JobSettingsReader {
        private JobSettingsReader() {
        }

        static JobSettings read(KameletUses.Declaration d, RouterSettings settings, List<ConfigProblem> problems) {
            int before = problems.size();
            ConfigFile file = ConfigFile.of(d.file(), d.parameters(), d.lines(), settings.file());
            SettingsSection s = new SettingsSection(file, "", problems);
            s.rejectUnknown(JobSettings.SETTINGS);
            String name = jobName(s, d);
            String source = s.required(JobSettings.SOURCE, "the folder to back up");
            List<String> targets = targets(s, settings);
            String passphrase = passphrase(s, file);
            List<String> recipients = encryptTo(s, file, passphrase);
            String identity = identity(s, recipients);
            List<String> includes = s.globs(JobSettings.INCLUDE);
            List<String> excludes = s.globs(JobSettings.EXCLUDE);
            Boolean defaultExcludes = s.bool(JobSettings.DEFAULT_EXCLUDES);
            Boolean allowEmpty = s.bool(JobSettings.ALLOW_EMPTY);
            Long batchSize = s.size(JobSettings.BATCH_SIZE);
            Integer batchFiles = s.integer(JobSettings.BATCH_FILES, 1, 1_000_000);
            String compression = s.choice(JobSettings.COMPRESSION);
            Integer level = s.integer(JobSettings.COMPRESSION_LEVEL, 1, "deflate".equals(compression) ? 9 : 19);
            String stateDir = s.text(JobSettings.STATE_DIR);
            String host = s.text(JobSettings.HOST);
            java.time.Duration quietPeriod = quietPeriod(s);
            String schedule = schedule(s, d.kamelet());
            Integer[] counts = keepCounts(s);
            java.time.Duration keepWithin = keepWithin(s);
            if (problems.size() > before) {
                return null;
            }
            io.backuprouter.catalog.RetentionPolicy retention = new io.backuprouter.catalog.RetentionPolicy(counts[0], counts[1],
                    counts[2], counts[3], counts[4], counts[5], keepWithin);
            return new JobSettings(name, Path.of(source), targets, recipients, passphrase,
                    identity == null ? null : Path.of(identity),
                    includes, excludes, defaultExcludes, allowEmpty, batchSize, batchFiles, compression,
                    level != null ? level : "deflate".equals(compression) ? JobSettings.DEFLATE_DEFAULT_LEVEL
                            : JobSettings.ZSTD_DEFAULT_LEVEL, Path.of(stateDir),
                    host != null ? host : localHost(), d.kamelet(), quietPeriod, schedule, retention, d.file(), d.line());
        }

        private static String jobName(SettingsSection s, KameletUses.Declaration d) {
            String name = s.required(JobSettings.JOB, "kamelet:" + d.kamelet() + " at line " + d.line() + " names no job");
            if (name != null && !name.matches("[a-z0-9][a-z0-9-]*")) {
                s.problem(JobSettings.JOB, "\"" + name + "\" is not kebab-case", "use lower-case letters, digits and hyphens");
            }
            return name;
        }

        private static List<String> targets(SettingsSection s, RouterSettings settings) {
            List<String> targets = list(s.required(JobSettings.TARGETS, "where to store the snapshots"));
            for (String target : targets) {
                if (!settings.targets().containsKey(target)) {
                    s.problem(JobSettings.TARGETS, "unknown target \"" + target + "\"",
                            "configured targets: " + String.join(", ", settings.targets().keySet())
                                    + " (declare targets in " + settings.file().display() + ")");
                }
            }
            return targets;
        }

        /** The passphrase, refused in plain text or with a default in its placeholder. */
        private static String passphrase(SettingsSection s, ConfigFile file) {
            String passphrase = s.text(JobSettings.PASSPHRASE);
            String rawPassphrase = file.raw(JobSettings.PASSPHRASE.name());
            if (passphrase != null && !rawPassphrase.contains("{{")) {
                s.problem(JobSettings.PASSPHRASE, "is written in plain text",
                        "give it through a placeholder: passphrase: \"{{env:BACKUP_PASSPHRASE}}\"");
            } else if (rawPassphrase != null && rawPassphrase.matches("(?s).*\\{\\{\\s*(env|sys):[^:}]+:.*")) {
                s.problem(JobSettings.PASSPHRASE, "its placeholder gives a default, which writes the passphrase in plain text",
                        "remove the default: passphrase: \"{{env:BACKUP_PASSPHRASE}}\", and set the variable where the program "
                                + "starts");
            }
            return passphrase;
        }

        /** The recipients the job encrypts to: none when it has a passphrase instead, never both. */
        private static List<String> encryptTo(SettingsSection s, ConfigFile file, String passphrase) {
            // A passphrase whose placeholder cannot be resolved is reported as such, not as missing recipients.
            boolean passphraseGiven = passphrase != null || file.raw(JobSettings.PASSPHRASE.name()) != null;
            List<String> recipients = passphraseGiven && !s.isSet(JobSettings.RECIPIENTS) ? List.of()
                    : recipients(s, s.required(JobSettings.RECIPIENTS,
                    "archives are encrypted to them; create a key pair with: backup-router keygen (or use a passphrase)"));
            if (passphrase != null && !recipients.isEmpty()) {
                s.problem(JobSettings.PASSPHRASE, "a job encrypts to recipients or to a passphrase, not both",
                        "remove recipients or passphrase (age allows a passphrase only alone)");
            }
            return recipients;
        }

        /** The identity file: it must exist, and be one of the recipients'. */
        private static String identity(SettingsSection s, List<String> recipients) {
            String identity = s.text(JobSettings.IDENTITY);
            if (identity != null && !Files.isRegularFile(Path.of(identity))) {
                s.problem(JobSettings.IDENTITY, "file \"" + identity + "\" does not exist", "fix the path, or remove the parameter");
            } else if (identity != null && !recipients.isEmpty()) {
                checkIdentityMatches(s, Path.of(identity), recipients);
            }
            return identity;
        }

        private static java.time.Duration quietPeriod(SettingsSection s) {
            java.time.Duration quietPeriod = null;
            try {
                quietPeriod = Durations.parse(s.text(JobSettings.QUIET_PERIOD));
            } catch (IllegalArgumentException e) {
                s.problem(JobSettings.QUIET_PERIOD, e.getMessage(), null);
            }
            return quietPeriod;
        }

        /** The cron schedule: required, and a valid Quartz expression, for backup-on-schedule. */
        private static String schedule(SettingsSection s, String kamelet) {
            String schedule = s.text(JobSettings.SCHEDULE);
            if ("backup-on-schedule".equals(kamelet)) {
                if (schedule == null) {
                    s.required(JobSettings.SCHEDULE, "backup-on-schedule runs on a cron schedule");
                } else if (!org.quartz.CronExpression.isValidExpression(schedule)) {
                    s.problem(JobSettings.SCHEDULE, "\"" + schedule + "\" is not a Quartz cron expression",
                            "six or seven fields: seconds minutes hours day-of-month month day-of-week [year],"
                                    + " e.g. \"0 0 3 * * ?\" for 03:00 every day");
                }
            }
            return schedule;
        }

        /** keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly and keepYearly, in that order. */
        private static Integer[] keepCounts(SettingsSection s) {
            Integer[] counts = new Integer[6];
            List<Setting> countSettings = List.of(JobSettings.KEEP_LAST, JobSettings.KEEP_HOURLY, JobSettings.KEEP_DAILY,
                    JobSettings.KEEP_WEEKLY, JobSettings.KEEP_MONTHLY, JobSettings.KEEP_YEARLY);
            for (int i = 0; i < counts.length; i++) {
                counts[i] = s.integer(countSettings.get(i), 0, 100_000);
            }
            return counts;
        }

        private static java.time.Duration keepWithin(SettingsSection s) {
            java.time.Duration keepWithin = null;
            String within = s.text(JobSettings.KEEP_WITHIN);
            if (within != null) {
                try {
                    keepWithin = Durations.parse(within);
                } catch (IllegalArgumentException e) {
                    s.problem(JobSettings.KEEP_WITHIN, e.getMessage(), null);
                }
            }
            return keepWithin;
        }

        private static List<String> list(String text) {
            if (text == null || text.isBlank()) {
                return List.of();
            }
            return Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        }

        /**
         * An identity that is none of the recipients' reads none of what the job writes: a restore with it
         * would fail only when it is needed, so it is refused at start.
         */
        private static void checkIdentityMatches(SettingsSection s, Path identity, List<String> recipients) {
            List<String> owns;
            try {
                owns = io.backuprouter.crypto.AgeIdentity.read(identity).recipients();
            } catch (IOException e) {
                s.problem(JobSettings.IDENTITY, e.getMessage(), "point it at the file backup-router keygen wrote");
                return;
            }
            String own = String.join(", ", owns);
            if (recipients.stream().map(String::trim).noneMatch(owns::contains)) {
                s.problem(JobSettings.IDENTITY, "the identity in \"" + identity + "\" is for recipient " + own
                        + ", which is not among the job's recipients: it could not restore what the job backs up",
                        "point identity at the identity file of one of the recipients, or add " + own + " to recipients");
            }
        }

        private static List<String> recipients(SettingsSection s, String text) {
            List<String> recipients = new ArrayList<>();
            for (String item : list(text)) {
                // A pasted identity is checked as a recipient, which refuses it without repeating it.
                if (item.startsWith("age1") || io.backuprouter.crypto.AgeKeys.isIdentity(item)) {
                    recipients.add(item);
                } else {
                    Path file = Path.of(item);
                    try {
                        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
                                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                        if (lines.stream().anyMatch(io.backuprouter.crypto.AgeKeys::isIdentity)) {
                            s.problem(JobSettings.RECIPIENTS, "\"" + item + "\" is an identity file (it holds a secret key),"
                                    + " not a recipients file", "give the public key it names on its \"# public key:\" line"
                                    + " (age1...), and keep the identity off machines that only back up");
                            continue;
                        }
                        recipients.addAll(lines);
                    } catch (IOException e) {
                        s.problem(JobSettings.RECIPIENTS, "\"" + item + "\" is neither an age recipient (age1...) nor a readable recipients file",
                                "give age1... keys, or the path of a file with one per line (backup-router keygen prints one)");
                    }
                }
            }
            for (String recipient : recipients) {
                try {
                    Age.checkRecipient(recipient);
                } catch (IllegalArgumentException e) {
                    s.problem(JobSettings.RECIPIENTS, e.getMessage(), io.backuprouter.crypto.AgeKeys.isIdentity(recipient) ? null : "copy the recipient again from keygen's output");
                }
            }
            if (recipients.isEmpty() && text != null && !text.isBlank() && !s.isSet(JobSettings.RECIPIENTS)) {
                s.problem(JobSettings.RECIPIENTS, "no recipients", "add one: backup-router keygen prints it");
            }
            return recipients;
        }

        private static String localHost() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        }
    }
}
