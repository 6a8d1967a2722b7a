package io.backuprouter.crypto;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's passphrase recipient (https://age-encryption.org/v1, "scrypt recipient stanza"):
 * {@code -> scrypt <salt> <log2 N>}, whose body is the file key sealed with ChaCha20-Poly1305
 * under scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r=8, p=1). Files written
 * with it decrypt with {@code age -d} and the passphrase. Jagged 1.0 has no scrypt module that
 * resolves here, so the stanza is implemented on Jagged's stanza interfaces with Bouncy Castle's
 * scrypt and the JDK's ChaCha20-Poly1305.
 */
final class ScryptStanzas {
    static final String TYPE = "scrypt";
    /** log2 of the scrypt work factor for new files: 2^16 (64 MiB of memory, under a second). */
    static final int WORK_FACTOR = 16;
    /** The largest work factor accepted on decryption (age's own limit is 22). */
    static final int MAX_WORK_FACTOR = 22;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScryptStanzas() {
    }

    private record Stanza(String getType, List<String> getArguments, byte[] getBody) implements RecipientStanza {
    }

    static RecipientStanzaWriter writer(String passphrase) {
        return fileKey -> {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            byte[] body = seal(Cipher.ENCRYPT_MODE, wrapKey(passphrase, salt, WORK_FACTOR), fileKey.getEncoded());
            return List.of(new Stanza(TYPE, List.of(Base64.getEncoder().withoutPadding().encodeToString(salt),
                    String.valueOf(WORK_FACTOR)), body));
        };
    }

    static RecipientStanzaReader reader(String passphrase) {
        return stanzas -> {
            for (RecipientStanza stanza : stanzas) {
                if (!TYPE.equals(stanza.getType())) {
                    continue;
                }
                List<String> args = stanza.getArguments();
                if (args.size() != 2 || !args.get(1).matches("[1-9][0-9]?")) {
                    throw new GeneralSecurityException("malformed scrypt stanza");
                }
                byte[] salt = Base64.getDecoder().decode(args.get(0));
                int workFactor = Integer.parseInt(args.get(1));
                if (salt.length != 16 || workFactor > MAX_WORK_FACTOR) {
                    throw new GeneralSecurityException("scrypt stanza with a salt of " + salt.length
                            + " bytes or a work factor of " + workFactor + " is refused");
                }
                byte[] key = seal(Cipher.DECRYPT_MODE, wrapKey(passphrase, salt, workFactor), stanza.getBody());
                return new FileKey(key);
            }
            throw new GeneralSecurityException("not encrypted with a passphrase (no scrypt recipient stanza)");
        };
    }

    private static byte[] wrapKey(String passphrase, byte[] salt, int workFactor) {
        byte[] fullSalt = Arrays.copyOf(LABEL, LABEL.length + salt.length);
        System.arraycopy(salt, 0, fullSalt, LABEL.length, salt.length);
        return SCrypt.generate(passphrase.getBytes(StandardCharsets.UTF_8), fullSalt, 1 << workFactor, 8, 1, 32);
    }

    private static byte[] seal(int mode, byte[] key, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(new byte[12]));
        return cipher.doFinal(input);
    }
}
