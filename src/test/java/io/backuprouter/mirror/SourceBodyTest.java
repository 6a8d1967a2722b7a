package io.backuprouter.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.AbortableInputStream;

/** A source GET given to a streamed PUT is aborted, not drained, when the PUT did not read it to its end. */
class SourceBodyTest {
    private final AtomicInteger aborts = new AtomicInteger();

    private SourceBody body(int length) {
        return new SourceBody(AbortableInputStream.create(new ByteArrayInputStream(new byte[length]),
                aborts::incrementAndGet), length);
    }

    @Test
    void readToItsEndItIsClosedAndItsConnectionReused() throws Exception {
        SourceBody body = body(10_000);
        assertThat(body.readAllBytes()).hasSize(10_000);
        body.close();
        assertThat(body.aborted).isFalse();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void leftPartlyReadOrUnreadItIsAbortedOnce() throws Exception {
        SourceBody partly = body(10_000);
        assertThat(partly.read(new byte[4096], 0, 4096)).isEqualTo(4096);
        partly.close();
        partly.close();
        SourceBody unread = body(10_000);
        unread.close();
        assertThat(partly.aborted).isTrue();
        assertThat(unread.aborted).isTrue();
        assertThat(aborts).hasValue(2);
    }
}
