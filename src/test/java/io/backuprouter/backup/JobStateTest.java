package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class JobStateTest {
    @TempDir
    Path dir;

    private final Logger logger = (Logger) LoggerFactory.getLogger(JobState.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    @Test
    void aSecondOpenOfABusyJobSaysWhatHoldsItAndThatNothingWasDone() throws Exception {
        try (JobState held = JobState.open(dir.resolve("state"), "docs")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobState.open(dir.resolve("state"), "docs"))
                    .isInstanceOf(io.backuprouter.UserException.class)
                    .hasMessageStartingWith("job docs is busy: a backup, forget or prune of it is running")
                    .hasMessageEndingWith("nothing was done, run it again when that ends");
        }
        JobState.open(dir.resolve("state"), "docs").close(); // free again
    }

    @Test
    void aDamagedHistoryReadSeveralTimesIsReportedOnceForEachVersionOfTheFile() throws Exception {
        Path history = dir.resolve("history.json");
        Files.writeString(history, "[{\"id\": \"2026");

        assertThat(JobState.committed(dir, "a")).isEmpty();
        assertThat(JobState.committed(dir, "b")).isEmpty();
        assertThat(JobState.readHistory(dir)).isEmpty();
        assertThat(warnings()).singleElement().asString().contains(history.toString()).contains("going on without");

        Files.writeString(history, "[{\"id\": \"2027");
        Files.setLastModifiedTime(history, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(JobState.readHistory(dir)).isEmpty();
        assertThat(warnings()).hasSize(2);
    }

    private java.util.List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
