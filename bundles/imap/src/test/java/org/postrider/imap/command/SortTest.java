package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.imap.sort.SortableMessage;

class SortTest {
    private static String ordered(long... ids) {
        List<SortableMessage> l = Arrays.stream(ids)
                .mapToObj(id -> new SortableMessage(id, 1, 0, 0, 0, 0, "", "", "", "", "", "")).toList();
        StringBuilder sb = new StringBuilder();
        Sort.ordered(l, sb);
        return sb.toString();
    }

    @Test
    void esortAllKeepsTheSortOrderAndFoldsOnlyAscendingRuns() {
        assertEquals("1:3,5,4,6:7", ordered(1, 2, 3, 5, 4, 6, 7));
        assertEquals("3,2,1", ordered(3, 2, 1), "a descending run is no range");
        assertEquals("9", ordered(9));
        assertEquals("", ordered());
        assertEquals("4294967294:4294967295,1", ordered(4294967294L, 4294967295L, 1));
    }
}
