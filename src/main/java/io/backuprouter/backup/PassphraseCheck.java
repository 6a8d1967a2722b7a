package io.backuprouter.backup;

import io.backuprouter.UserException;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's passphrase check: a short text kept in the job's state, encrypted with the passphrase
 * the job's snapshots are made with, so that a run with another passphrase (most often mistyped)
 * stops before it makes a snapshot that names archives its passphrase cannot read.
 */
final class PassphraseCheck {
    // Said under the run's name, as the lines always were.
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    private static final String PASSPHRASE_CHECK = "backup-router passphrase check";

    private final JobSettings job;
    private final JobState state;

    PassphraseCheck(JobSettings job, JobState state) {
        this.job = job;
        this.state = state;
    }

    /**
     * Whether no archive of the previous snapshot may be used again, because {@code rekey} asks (a
     * changed recipients list is handled archive by archive: see {@link ChangePlanner}). A passphrase
     * other than the one the previous snapshots were made with is refused: all passphrases have one
     * fingerprint, the snapshot it would make names archives its passphrase cannot read, and it is
     * most often a typing mistake.
     */
    boolean packAllAgain(String recorded, Snapshot previous, boolean rekey) throws IOException {
        if (previous == null) {
            return false;
        }
        boolean checked = job.encryption().usesPassphrase() && job.encryption().fingerprint().equals(recorded);
        if (checked && Files.exists(state.passphraseCheck()) && !rekey) {
            try (InputStream in = Age.decrypt(Files.newInputStream(state.passphraseCheck()),
                    AgeIdentity.passphrase(job.passphrase(), "job " + job.name()))) {
                in.readAllBytes();
            } catch (Age.WrongKeyException e) {
                throw new UserException("job " + job.name() + ": the passphrase is not the one snapshot " + previous.id()
                        + " and the job's earlier snapshots were made with (checked against " + state.passphraseCheck()
                        + "); nothing was backed up\n    hint: check the variable the passphrase placeholder names; if you "
                        + "changed the passphrase on purpose, run backup-router backup " + job.name() + " --rekey once: every"
                        + " file is packed again under the new one (earlier snapshots still need the old one)");
            } catch (IOException e) {
                LOG.warn("Job {}: the passphrase check {} cannot be read ({}); it is written again", job.name(),
                        state.passphraseCheck(), e.getMessage());
                Files.deleteIfExists(state.passphraseCheck());
            }
        }
        return rekey;
    }

    /**
     * Records the job's key as the one its snapshots are made with now, with a new passphrase check
     * when the passphrase is new to the state (accepted with --rekey, or the job moved to a
     * passphrase), so that a check made for an earlier one never stops the next run.
     */
    void save(String recorded, boolean packAll) throws IOException {
        boolean newCheck = job.encryption().usesPassphrase() && (packAll || !Files.exists(state.passphraseCheck())
                || !job.encryption().fingerprint().equals(recorded));
        state.saveEncryption(job.encryption().fingerprint(), newCheck ? encrypted() : null);
    }

    /** A short text encrypted with the job's passphrase, to tell a later run's passphrase from another. */
    private byte[] encrypted() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(bytes, job.encryption())) {
            out.write(PASSPHRASE_CHECK.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
