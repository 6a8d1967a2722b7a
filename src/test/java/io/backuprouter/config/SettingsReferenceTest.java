package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings reference in docs/ cannot drift from the declarations: each group of settings has one
 * table, which lists exactly the declared settings, each with its declared default (and its choices);
 * and no page names a {@code backup.*} key or a kamelet parameter that is not declared.
 */
class SettingsReferenceTest {
    /** A settings table: the first one after the line that starts with {@code after}, on a page. */
    record Table(Class<?> declaredIn, String page, String after, String keyPrefix) {
        @SuppressWarnings("unchecked")
        List<Setting> declared() {
            try {
                return (List<Setting>) declaredIn.getField("SETTINGS").get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(declaredIn + " has no public SETTINGS", e);
            }
        }
    }

    static final List<Table> TABLES = List.of(
            new Table(TargetSettings.class, "docs/configuration.md", "### Targets", ""),
            new Table(EmbeddedS3Settings.class, "docs/configuration.md", "### Embedded S3 endpoint", "backup.embedded-s3."),
            new Table(HealthSettings.class, "docs/configuration.md", "### Health and metrics", "backup.health."),
            new Table(RestoreSettings.class, "docs/restore.md", "### By dropping a request file", "backup.restore."),
            new Table(JobSettings.class, "docs/jobs.md", "Job parameters:", ""),
            new Table(MirrorSettings.class, "docs/mirror.md", "## Mirror", ""));

    /** What a table may say for a setting declared with an empty default. */
    static final Set<String> EMPTY = Set.of("empty", "everything", "none");

    @Test
    void everyGroupOfDeclaredSettingsHasATable() {
        Set<String> declaring = new TreeSet<>();
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.backuprouter.config").stream()
                .filter(c -> c.tryGetField("SETTINGS").isPresent()).forEach(c -> declaring.add(c.getName()));
        Set<String> tabled = new TreeSet<>();
        TABLES.forEach(t -> tabled.add(t.declaredIn().getName()));
        assertThat(tabled).as("classes declaring SETTINGS that have a table").isEqualTo(declaring);
    }

    @Test
    void eachTableListsExactlyTheDeclaredSettingsWithTheirDefaultsAndChoices() throws IOException {
        for (Table table : TABLES) {
            Map<String, List<String>> rows = rows(table);
            List<Setting> declared = table.declared();
            assertThat(rows.keySet()).as("%s: the settings of %s's table", table.page(), table.declaredIn().getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(declared.stream().map(s -> table.keyPrefix() + s.name()).toList());
            Set<String> names = declared.stream().map(Setting::name).collect(Collectors.toSet());
            for (Setting setting : declared) {
                List<String> cells = rows.get(table.keyPrefix() + setting.name());
                String where = table.page() + ": " + table.keyPrefix() + setting.name();
                assertThat(defaultProblem(setting, cells.get(0), names)).as(where + " default").isNull();
                for (String choice : setting.choices()) {
                    assertThat(String.join(" ", cells)).as(where + " names its choice " + choice).contains("`" + choice + "`");
                }
            }
        }
    }

    /** Why the table's default cell does not say the declared default, or null when it does. */
    static String defaultProblem(Setting setting, String cell, Set<String> names) {
        String declared = setting.defaultValue();
        if (declared != null && !declared.isEmpty()) {
            return cell.startsWith("`" + declared + "`") ? null : "\"" + cell + "\" should start with `" + declared + "`";
        }
        if (declared != null) {
            return EMPTY.contains(cell.toLowerCase(Locale.ROOT)) ? null : "\"" + cell + "\" should be one of " + EMPTY;
        }
        // No single default (— for none, or where it comes from: the preset's, zstd `3`, deflate `1`), but
        // not one value either: only another setting's name may stand first (toPrefix defaults to fromPrefix).
        Matcher literal = Pattern.compile("^`([^`]*)`").matcher(cell);
        return !literal.find() || names.contains(literal.group(1)) ? null
                : "\"" + cell + "\" states a default the declaration does not have";
    }

    /** Setting (as written in its first cell, without backticks) to the row's other cells. */
    static Map<String, List<String>> rows(Table table) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(table.page()));
        int start = lines.stream().filter(l -> l.startsWith(table.after())).findFirst().map(lines::indexOf)
                .orElseThrow(() -> new AssertionError(table.page() + " has no line starting with " + table.after()));
        int header = start;
        while (header < lines.size() && !lines.get(header).matches("\\| (Setting|Parameter) \\| Default \\|.*")) {
            header++;
        }
        assertThat(header).as("%s: a settings table after %s", table.page(), table.after()).isLessThan(lines.size());
        Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = Stream.of(lines.get(i).split("(?<!\\\\)\\|")).skip(1).map(String::strip).toList();
            String name = cells.get(0).replace("`", "");
            assertThat(rows.put(name, cells.subList(1, cells.size()))).as("%s: %s listed twice", table.page(), name).isNull();
        }
        return rows;
    }

    @Test
    void noPageNamesABackupKeyThatIsNotDeclared() throws IOException {
        Pattern key = Pattern.compile("backup\\.([a-z][a-z0-9-]*)((?:\\.[a-zA-Z0-9-]+)+)");
        Map<String, List<Setting>> sections = Map.of("embedded-s3", EmbeddedS3Settings.SETTINGS, "restore", RestoreSettings.SETTINGS,
                "health", HealthSettings.SETTINGS, "targets", TargetSettings.SETTINGS);
        List<String> unknown = new ArrayList<>();
        int named = 0;
        for (Path page : guide()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                Matcher found = key.matcher(lines.get(i));
                // An error message that shows how a misspelt key is reported names one on purpose.
                while (found.find() && !lines.get(i).contains("unknown setting")) {
                    named++;
                    if (!declared(sections.get(found.group(1)), found.group(1).equals("targets"), found.group(2).substring(1).split("\\."))) {
                        unknown.add(page + ":" + (i + 1) + ": " + found.group());
                    }
                }
            }
        }
        assertThat(named).as("keys the docs name").isGreaterThan(10);
        assertThat(unknown).as("keys the docs name that no declaration has").isEmpty();
    }

    /** Whether a key's parts after its section (a target's name first, for targets) name a declared setting. */
    static boolean declared(List<Setting> section, boolean targets, String[] parts) {
        if (section == null) {
            return false;
        }
        if (targets && parts.length == 1) {
            return true; // a target, backup.targets.r2
        }
        String name = parts[targets ? 1 : 0];
        return parts.length == (targets ? 2 : 1) && section.stream().anyMatch(s -> s.name().equals(name));
    }

    @Test
    void everyKameletParameterInTheDocsExamplesIsDeclared() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        int examples = 0;
        for (Path page : guide()) {
            Matcher block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(page));
            while (block.find()) {
                List<JsonNode> uses = new ArrayList<>();
                kameletUses(yaml.readTree(block.group(1)), uses);
                for (JsonNode use : uses) {
                    String kamelet = use.get("uri").asText().substring("kamelet:".length());
                    List<Setting> declared = kamelet.startsWith("mirror-") ? MirrorSettings.SETTINGS : JobSettings.SETTINGS;
                    use.path("parameters").fieldNames().forEachRemaining(name -> assertThat(declared).as("%s: %s's parameter %s",
                            page, kamelet, name).extracting(Setting::name).contains(name));
                    examples++;
                }
            }
        }
        assertThat(examples).as("kamelet examples in the docs").isGreaterThanOrEqualTo(2);
    }

    static void kameletUses(JsonNode node, List<JsonNode> uses) {
        if (node.path("uri").asText().matches("kamelet:(backup|mirror)-.*")) {
            uses.add(node);
        }
        node.elements().forEachRemaining(child -> kameletUses(child, uses));
    }

    /** README.md and every page under docs/. */
    static List<Path> guide() throws IOException {
        try (Stream<Path> pages = Files.list(Path.of("docs"))) {
            return Stream.concat(Stream.of(Path.of("README.md")), pages.filter(p -> p.toString().endsWith(".md")).sorted()).toList();
        }
    }
}
