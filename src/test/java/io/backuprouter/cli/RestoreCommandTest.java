package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreCommandTest {
    @Test
    void filesNotRestoredForOneReasonAreCountedNotListedOneLineEach() {
        String damaged = "archive archives/86/86fe.zip.age is damaged or unreadable (the encrypted content is damaged)";
        List<String> problems = List.of("a.txt: not restored: " + damaged, "b.txt: not restored: " + damaged,
                "c.txt: not restored: " + damaged, "d.txt: not restored: " + damaged, "e.txt: not restored: " + damaged,
                "link: refused: the link points outside the destination (/etc)",
                "f.txt: not restored: no target has archive archives/aa/aa.zip.age");
        StringWriter text = new StringWriter();

        RestoreCommand.printProblems(problems, new PrintWriter(text, true));

        assertThat(text.toString().lines().toList()).containsExactly(
                "  NOT RESTORED, 5 files: " + damaged,
                "    a.txt",
                "    b.txt",
                "    c.txt",
                "    ... and 2 more",
                "  NOT RESTORED: link: refused: the link points outside the destination (/etc)",
                "  NOT RESTORED: f.txt: not restored: no target has archive archives/aa/aa.zip.age");
    }
}
