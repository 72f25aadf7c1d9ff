package org.postrider.api.directory;

/** The answer to a login: the user on success; the same failure for unknown user and wrong password. */
public sealed interface AuthResult {
    record Success(User user) implements AuthResult {
    }

    record Failure() implements AuthResult {
    }
}
