package io.backuprouter.values;

import io.backuprouter.values.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"14d, PT336H", "1h30m, PT1H30M", "1s, PT1S", "500ms, PT0.5S", "2d3h4m5s6ms, PT51H4M5.006S", "0s, PT0S"})
    void durationsReadAndWriteBackAsUsersWriteThem(String text, String iso) {
        Duration duration = Durations.parse(text);
        assertThat(duration).isEqualTo(Duration.parse(iso));
        assertThat(Durations.format(duration)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "many", "5 m", "1h-5m", "3w"})
    void anythingElseIsRefusedWithExamples(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration (write e.g. 30s, 5m, 1h30m, 14d)");
    }
}
