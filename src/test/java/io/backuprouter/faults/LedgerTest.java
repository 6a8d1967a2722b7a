package io.backuprouter.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaigns' bookkeeping fails loudly: a failed case, a lost file or a leaked secret each fail the campaign. */
class LedgerTest {
    @TempDir
    Path dir;

    @Test
    void aLeakedSecretFailsTheCampaignAndIsCountedInItsRow() throws Exception {
        System.setProperty("faults.dir", dir.toString());
        try {
            Ledger ledger = new Ledger("leaky").secret("s3cr3t-value-123");
            ledger.check("a case", () -> assertThat(1).isEqualTo(1));
            ledger.scan("output of `backup`", "error: signature mismatch for key s3cr3t-value-123");
            assertThatThrownBy(ledger::finish).hasMessageContaining("a known secret appeared in: output of `backup`");
            assertThat(Files.readString(dir.resolve("leaky.tsv"))).startsWith("leaky\t1\t1\t0\t1 scanned, 1 hits");
        } finally {
            System.clearProperty("faults.dir");
        }
    }

    @Test
    void aFailedCaseOrALostFileFailsTheCampaignNamingIt() throws Exception {
        System.setProperty("faults.dir", dir.toString());
        try {
            Ledger ledger = new Ledger("lossy");
            ledger.check("restores the source", () -> assertThat("restored").isEqualTo("source"));
            ledger.lost(2);
            ledger.scan("output", "fine");
            assertThatThrownBy(ledger::finish).hasMessageContaining("1 of 1 cases failed")
                    .hasMessageContaining("restores the source").hasMessageContaining("2 files lost");
        } finally {
            System.clearProperty("faults.dir");
        }
    }
}
