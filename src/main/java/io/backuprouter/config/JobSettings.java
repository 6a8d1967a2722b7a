package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.BOOLEAN;
import static io.backuprouter.config.Setting.Kind.INTEGER;
import static io.backuprouter.config.Setting.Kind.PATH;
import static io.backuprouter.config.Setting.Kind.SIZE;
import static io.backuprouter.config.Setting.Kind.TEXT;

import java.nio.file.Path;
import java.util.List;

/**
 * A backup job, declared in a route file as the parameters of a {@code backup-on-change},
 * {@code backup-on-schedule} or {@code backup-run} kamelet. The same declarations describe the
 * kamelets' properties (a test keeps them in step).
 *
 * @param name the job's name (kebab-case); its objects live under {@code <root-path>/<name>/}
 * @param source the folder to back up
 * @param targets the targets to store on, in order of preference for reads
 * @param recipients age recipients ({@code age1...}) the archives are encrypted to
 * @param passphrase a passphrase the archives are encrypted with instead (secret), or {@code null}
 * @param identity an identity file that can decrypt the job's snapshots, or {@code null}
 * @param includes include globs (empty: everything)
 * @param excludes exclude globs
 * @param defaultExcludes whether the default excludes apply
 * @param allowEmpty whether a source that suddenly holds no files is backed up (refused otherwise)
 * @param batchSize most content bytes per archive
 * @param batchFiles most files per archive
 * @param compression how entries are compressed: {@code zstd}, {@code deflate} or {@code none}
 * @param compressionLevel the level of that compression (zstd 1-19, deflate 1-9)
 * @param stateDir where local state lives ({@code <stateDir>/<name>/})
 * @param host the machine's name recorded in snapshots
 * @param trigger the kamelet that declares it: backup-on-change, backup-on-schedule or backup-run
 * @param quietPeriod backup-on-change: how long the folder must be quiet before a backup
 * @param schedule backup-on-schedule: the cron expression, else {@code null}
 * @param retention which snapshots to keep (forget after each snapshot); empty: keep all
 * @param file the route file that declares it
 * @param line the line of the declaration
 */
public record JobSettings(String name, Path source, List<String> targets, List<String> recipients, String passphrase,
                          Path identity,
                          List<String> includes, List<String> excludes, boolean defaultExcludes, boolean allowEmpty, long batchSize,
                          int batchFiles, String compression, int compressionLevel, Path stateDir, String host, String trigger,
                          java.time.Duration quietPeriod, String schedule,
                          io.backuprouter.catalog.RetentionPolicy retention, String file, int line) {

    public static final Setting JOB = Setting.of("job", TEXT, "Job", "the job's name, kebab-case; its objects live under <root-path>/<job>/", null);
    public static final Setting SOURCE = Setting.of("source", PATH, "Source", "the folder to back up; it is only ever read", null);
    public static final Setting TARGETS = Setting.of("targets", TEXT, "Targets",
            "comma-separated names of configured targets to store every snapshot on", null);
    public static final Setting RECIPIENTS = Setting.of("recipients", TEXT, "Recipients",
            "age recipients (age1...) to encrypt to, comma-separated, or the path of a recipients file", null);
    public static final Setting PASSPHRASE = Setting.of("passphrase", Setting.Kind.SECRET, "Passphrase",
            "encrypt with a passphrase instead of recipients (age scrypt); only through a placeholder such as {{env:NAME}}", null);
    public static final Setting IDENTITY = Setting.of("identity", PATH, "Identity",
            "optional identity file; lets this machine list snapshot details and rebuild lost state", null);
    public static final Setting INCLUDE = Setting.of("include", TEXT, "Include",
            "comma-separated globs of files to back up; empty backs up everything", "");
    public static final Setting EXCLUDE = Setting.of("exclude", TEXT, "Exclude",
            "comma-separated globs to leave out; a pattern without / matches names at any depth", "");
    public static final Setting DEFAULT_EXCLUDES = Setting.of("defaultExcludes", BOOLEAN, "Default Excludes",
            "leave out editor swap files, partial downloads and desktop litter (*.tmp, *~, .DS_Store...)", "true");
    public static final Setting ALLOW_EMPTY = Setting.of("allowEmpty", BOOLEAN, "Allow Empty",
            "back up the source even when it suddenly holds no files, where the previous snapshot held some "
            + "(refused otherwise: an unmounted disk looks just like that)", "false");
    public static final Setting BATCH_SIZE = Setting.of("batchSize", SIZE, "Batch Size",
            "most content per archive; a larger file gets an archive of its own", "256MiB");
    public static final Setting BATCH_FILES = Setting.of("batchFiles", INTEGER, "Batch Files", "most files per archive", "10000");
    public static final Setting COMPRESSION = Setting.choice("compression", "Compression",
            "zstd (fast, small; restorable by hand with bsdtar or 7-Zip), deflate (every entry readable by Info-ZIP unzip:"
            + " the widest portability) or none (everything stored as is); compressed formats are always stored",
            "zstd", "zstd", "deflate", "none");
    /** The default zstd level (zstd-jni): the benchmark's best trade of speed and size. */
    public static final int ZSTD_DEFAULT_LEVEL = 3;
    /** The default deflate level (zlib). */
    public static final int DEFLATE_DEFAULT_LEVEL = 1;
    public static final Setting COMPRESSION_LEVEL = Setting.of("compressionLevel", INTEGER, "Compression Level",
            "the compression's level: zstd 1 (fastest) to 19 (smallest), default 3; deflate 1 to 9, default 1", null);
    public static final Setting STATE_DIR = Setting.of("stateDir", PATH, "State Folder",
            "folder for the local state of jobs (what was backed up, uploads waiting for a target)", "var/state");
    public static final Setting HOST = Setting.of("host", TEXT, "Host", "the machine's name recorded in snapshots", null);
    public static final Setting QUIET_PERIOD = Setting.of("quietPeriod", TEXT, "Quiet Period",
            "backup-on-change: back up once the folder has not changed for this long (e.g. 30s, 5m)", "30s");
    public static final Setting SCHEDULE = Setting.of("schedule", TEXT, "Schedule",
            "backup-on-schedule: a Quartz cron expression, e.g. 0 0 3 * * ? for 03:00 every day", null);

    public static final Setting KEEP_LAST = Setting.of("keepLast", INTEGER, "Keep Last", "keep the newest N snapshots", "0");
    public static final Setting KEEP_HOURLY = Setting.of("keepHourly", INTEGER, "Keep Hourly",
            "keep the newest snapshot of each of the last N hours that have one", "0");
    public static final Setting KEEP_DAILY = Setting.of("keepDaily", INTEGER, "Keep Daily",
            "keep the newest snapshot of each of the last N days that have one", "0");
    public static final Setting KEEP_WEEKLY = Setting.of("keepWeekly", INTEGER, "Keep Weekly",
            "keep the newest snapshot of each of the last N weeks that have one", "0");
    public static final Setting KEEP_MONTHLY = Setting.of("keepMonthly", INTEGER, "Keep Monthly",
            "keep the newest snapshot of each of the last N months that have one", "0");
    public static final Setting KEEP_YEARLY = Setting.of("keepYearly", INTEGER, "Keep Yearly",
            "keep the newest snapshot of each of the last N years that have one", "0");
    public static final Setting KEEP_WITHIN = Setting.of("keepWithin", TEXT, "Keep Within",
            "keep every snapshot within this long of the newest (e.g. 14d); empty: no such rule", null);

    /** The retention rules; all zero and no keepWithin means keep everything. */
    public static final List<Setting> RETENTION = List.of(KEEP_LAST, KEEP_HOURLY, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY,
            KEEP_YEARLY, KEEP_WITHIN);

    /** Settings of the job itself, used by every trigger. */
    public static final List<Setting> JOB_SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(JOB, SOURCE,
            TARGETS, RECIPIENTS, PASSPHRASE, IDENTITY, INCLUDE, EXCLUDE, DEFAULT_EXCLUDES, ALLOW_EMPTY, BATCH_SIZE, BATCH_FILES,
            COMPRESSION, COMPRESSION_LEVEL, STATE_DIR, HOST), RETENTION.stream()).toList();

    /** Everything a job declaration may set. */
    public static final List<Setting> SETTINGS = java.util.stream.Stream.concat(JOB_SETTINGS.stream(),
            java.util.stream.Stream.of(QUIET_PERIOD, SCHEDULE)).toList();

    /** What the job's objects are encrypted to. */
    public io.backuprouter.crypto.AgeEncryption encryption() {
        return passphrase != null ? io.backuprouter.crypto.AgeEncryption.withPassphrase(passphrase)
                : io.backuprouter.crypto.AgeEncryption.toRecipients(recipients);
    }

    /** What can read the job's objects on this machine: the identity file, else the passphrase, else nothing. */
    public java.util.Optional<io.backuprouter.crypto.AgeIdentity> reader() throws java.io.IOException {
        if (identity != null) {
            return java.util.Optional.of(io.backuprouter.crypto.AgeIdentity.read(identity));
        }
        return passphrase == null ? java.util.Optional.empty()
                : java.util.Optional.of(io.backuprouter.crypto.AgeIdentity.passphrase(passphrase, "job " + name));
    }

    @Override
    public String toString() {
        return "job " + name + " (" + source + " to " + String.join(", ", targets) + ", declared at " + declaredAt() + ")";
    }

    /** The job's local state folder. */
    public Path jobStateDir() {
        return stateDir.resolve(name);
    }

    /** Where the job is declared, for messages: {@code routes/demo.camel.yaml:7}. */
    public String declaredAt() {
        return file + (line > 0 ? ":" + line : "");
    }
}
