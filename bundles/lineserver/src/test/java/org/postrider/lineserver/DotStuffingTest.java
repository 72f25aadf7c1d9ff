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
}
