package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffingTest {
    private static String stuff(String msg, int lines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffing.write(new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)), out, lines);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stuffsLeadingDotsAndTerminates() throws Exception {
        assertEquals("Subject: x\r\n\r\n..\r\n...hidden\r\nend\r\n.\r\n",
                stuff("Subject: x\r\n\r\n.\r\n..hidden\r\nend\r\n", -1));
    }

    @Test
    void endsAnUnterminatedLastLineAndConvertsBareLf() throws Exception {
        assertEquals("A: b\r\n\r\nbody\r\n.\r\n", stuff("A: b\n\nbody", -1));
        assertEquals("A: b\r\n\r\nü 8-bit\r\n.\r\n", stuff("A: b\r\n\r\nü 8-bit", -1));
    }

    @Test
    void topSendsTheHeaderAndNBodyLines() throws Exception {
        String msg = "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n";
        assertEquals("A: 1\r\nB: 2\r\n\r\n.\r\n", stuff(msg, 0));
        assertEquals("A: 1\r\nB: 2\r\n\r\nl1\r\n...l2\r\n.\r\n".replace("...l2", "..l2"), stuff(msg, 2));
        assertEquals(stuff(msg, -1), stuff(msg, 99));
    }

    @Test
    void aBareCrEndsALineSoTheDotAfterItIsStuffed() throws Exception {
        // Relayed verbatim, "\r.\r\n" ends the message early at a hop that takes a bare CR for a line end.
        assertEquals("A: b\r\n\r\nx\r\n..\r\nMAIL FROM:<spoof@example.org>\r\n.\r\n",
                stuff("A: b\r\n\r\nx\r.\r\nMAIL FROM:<spoof@example.org>\r\n", -1));
        assertEquals("A: b\r\n\r\nx\r\n..\r\ny\r\n.\r\n", stuff("A: b\r\n\r\nx\n.\ny", -1));
        assertEquals("A: b\r\n\r\nx\r\n..\r\n\r\n.\r\n", stuff("A: b\r\n\r\nx\r.\r\r", -1));
        assertEquals("A: b\r\n\r\nend\r\n.\r\n", stuff("A: b\r\n\r\nend\r", -1));
        String out = stuff("A: b\r\r\n\n\r.\r.\n\r\n.\r", -1);
        assertEquals(-1, out.replace("\r\n", "").indexOf('\r'), out);
        assertEquals(-1, out.replace("\r\n", "").indexOf('\n'), out);
    }

    @Test
    void topCountsLinesEndedByABareCrToo() throws Exception {
        assertEquals("A: 1\r\n\r\nl1\r\n.\r\n", stuff("A: 1\r\n\r\nl1\rl2\r\n", 1));
        assertEquals("A: 1\r\n\r\n.\r\n", stuff("A: 1\r\n\r\n", 0));
    }
}
