package org.postrider.store.maildir.mime;

/** RFC 2047 encoded words, for searching: the shared decoder of kit (IMAP SORT and THREAD use it too). */
final class EncodedWords {
    private EncodedWords() {
    }

    static String decode(String s) {
        return org.postrider.kit.text.EncodedWords.decode(s);
    }
}
