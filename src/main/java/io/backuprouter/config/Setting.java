package io.backuprouter.config;

import java.util.List;

/**
 * One user-facing setting, declared once: its key (relative to its section), type, title,
 * one-line description and default. Validation, error messages and the documentation tables
 * all come from these declarations.
 *
 * @param name key relative to the section, kebab-case (e.g. {@code part-size})
 * @param kind the value's type
 * @param title Title Case label
 * @param description one line saying what it does
 * @param defaultValue the default as the user would write it, or {@code null} for none
 * @param choices allowed values for {@link Kind#CHOICE}
 */
public record Setting(String name, Kind kind, String title, String description, String defaultValue,
                      List<String> choices) {

    /** Value types. Secrets are never printed, logged or put in a message. */
    public enum Kind { TEXT, SECRET, URL, BOOLEAN, SIZE, INTEGER, CHOICE, PATH }

    public static Setting of(String name, Kind kind, String title, String description, String defaultValue) {
        return new Setting(name, kind, title, description, defaultValue, List.of());
    }

    public static Setting choice(String name, String title, String description, String defaultValue,
                                 String... choices) {
        return new Setting(name, Kind.CHOICE, title, description, defaultValue, List.of(choices));
    }

    public boolean secret() {
        return kind == Kind.SECRET;
    }
}
