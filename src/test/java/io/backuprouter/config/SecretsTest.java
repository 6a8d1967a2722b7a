package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.crypto.AgeKeys;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void anAgeIdentityIsMaskedWhereverItAppearsEvenUnregistered() {
        String secret = AgeKeys.generate().identityFile().lines().filter(l -> l.startsWith("AGE-SECRET-KEY-")).findFirst()
                .orElseThrow();

        String shown = Secrets.redact("recipients: \"" + secret + "\" is wrong; so is " + secret.toLowerCase());

        assertThat(shown).doesNotContainIgnoringCase(secret).isEqualTo("recipients: \"****\" is wrong; so is ****");
    }
}
