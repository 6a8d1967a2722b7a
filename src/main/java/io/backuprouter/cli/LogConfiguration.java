package io.backuprouter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.backuprouter.config.RedactingMessageConverter;
import io.backuprouter.config.RedactingThrowableConverter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The logging setup, in code rather than logback.xml: parsing XML was a tenth of a second of
 * every command's start. Everything goes to stderr through {@code Secrets.redact} (a secret read
 * from the config never reaches a log line). {@code -Dlogback.configurationFile=FILE} still
 * replaces it.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %-20logger{0} %redactedMessage%n%redactedException";

    /** Levels below the root's INFO: libraries that say too much at INFO. */
    private static final Map<String, Level> LEVELS = levels();

    private static Map<String, Level> levels() {
        Map<String, Level> levels = new HashMap<>();
        for (String quiet : new String[] {"org.gaul", "org.eclipse.jetty", "org.gaul.shaded", "software.amazon.awssdk",
                "org.apache.http", "org.quartz", "com.mchange", "io.netty"}) {
            levels.put(quiet, Level.WARN);
        }
        // Its summary of the management server's endpoints says 0.0.0.0 whatever the server is bound to;
        // the router logs the real address instead.
        levels.put("org.apache.camel.component.platform.http.main.MainHttpServerUtil", Level.WARN);
        // A failed trigger file is moved to failed/ and the failure logged once; this repeats it.
        levels.put("org.apache.camel.component.file.GenericFileOnCompletion", Level.ERROR);
        return levels;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        @SuppressWarnings("unchecked")
        Map<String, Supplier<DynamicConverter<?>>> rules =
                (Map<String, Supplier<DynamicConverter<?>>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("redactedMessage", RedactingMessageConverter::new);
        rules.put("redactedException", RedactingThrowableConverter::new);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(console);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
