package org.postrider.directory.file;

import org.postrider.api.directory.User;

/** A user as stored: the public {@link User} and the password hash, which never leaves this bundle. */
record Entry(User user, String passwordHash) {
}
