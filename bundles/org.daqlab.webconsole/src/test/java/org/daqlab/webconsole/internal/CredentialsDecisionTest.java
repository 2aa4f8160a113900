package org.daqlab.webconsole.internal;

import org.daqlab.webconsole.internal.CredentialsDecision.Outcome;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CredentialsDecisionTest {

    private static final Credentials CONSOLE_DEFAULT =
            new Credentials(ConsoleSettings.DEFAULT_USER, ConsoleSettings.DEFAULT_PASSWORD_HASH);
    private static final Credentials ADMINISTRATOR_SET = new Credentials("ops", ConsolePasswordHash.hash("chosen"));
    private static final Supplier<String> NOT_TO_BE_GENERATED = () -> {
        throw new AssertionError("no password should be generated");
    };

    @Test
    void aConfiguredPasswordWinsOverTheLaunchersAndTheCurrentOne() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("lab", "configured"),
                new Credentials("env", "launcher"), ADMINISTRATOR_SET, NOT_TO_BE_GENERATED);

        assertEquals(new CredentialsDecision(Outcome.STORE_CONFIGURED, "lab", "configured"), decision);
    }

    @Test
    void aConfiguredPasswordWithoutUserIsForTheDefaultUser() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials(" ", "configured"),
                Credentials.NONE, CONSOLE_DEFAULT, NOT_TO_BE_GENERATED);

        assertEquals(new CredentialsDecision(Outcome.STORE_CONFIGURED, "admin", "configured"), decision);
    }

    @Test
    void theLaunchersPasswordIsUsedWhenNoneIsConfigured() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("lab", ""),
                new Credentials("env", "launcher"), ADMINISTRATOR_SET, NOT_TO_BE_GENERATED);

        assertEquals(new CredentialsDecision(Outcome.STORE_LAUNCHER, "env", "launcher"), decision);
    }

    @Test
    void theLaunchersPasswordWithoutUserIsForTheConfiguredUser() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("lab", null),
                new Credentials(null, "launcher"), CONSOLE_DEFAULT, NOT_TO_BE_GENERATED);

        assertEquals(new CredentialsDecision(Outcome.STORE_LAUNCHER, "lab", "launcher"), decision);
    }

    @Test
    void credentialsTheConsoleAlreadyHasAreNotStoredAgain() {
        Credentials current = new Credentials("env", ConsolePasswordHash.hash("launcher"));

        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("admin", null),
                new Credentials("env", "launcher"), current, NOT_TO_BE_GENERATED);

        assertEquals(Outcome.UNCHANGED, decision.outcome());
        assertNull(decision.password());
    }

    @Test
    void theSamePasswordForAnotherUserIsStored() {
        Credentials current = new Credentials("admin", ConsolePasswordHash.hash("configured"));

        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("lab", "configured"),
                Credentials.NONE, current, NOT_TO_BE_GENERATED);

        assertEquals(Outcome.STORE_CONFIGURED, decision.outcome());
    }

    @Test
    void aPasswordAnAdministratorChoseIsKept() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("admin", null),
                Credentials.NONE, ADMINISTRATOR_SET, NOT_TO_BE_GENERATED);

        assertEquals(new CredentialsDecision(Outcome.UNCHANGED, "ops", null), decision);
    }

    @Test
    void theBuiltInDefaultIsReplacedByAGeneratedPassword() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("admin", null),
                Credentials.NONE, CONSOLE_DEFAULT, () -> "generated");

        assertEquals(new CredentialsDecision(Outcome.STORE_GENERATED, "admin", "generated"), decision);
    }

    @Test
    void adminStoredWithSaltCountsAsTheDefaultToo() {
        Credentials current = new Credentials("admin", ConsolePasswordHash.hash("admin"));

        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("admin", null),
                Credentials.NONE, current, () -> "generated");

        assertEquals(Outcome.STORE_GENERATED, decision.outcome());
    }

    @Test
    void aGeneratedPasswordIsForTheLaunchersUserWhenItNamesOne() {
        CredentialsDecision decision = CredentialsDecision.decide(new Credentials("lab", null),
                new Credentials("env", null), CONSOLE_DEFAULT, () -> "generated");

        assertEquals(new CredentialsDecision(Outcome.STORE_GENERATED, "env", "generated"), decision);
    }

    @Test
    void neitherTypeShowsThePasswordInItsText() {
        CredentialsDecision decision = new CredentialsDecision(Outcome.STORE_CONFIGURED, "lab", "hunter2");

        assertEquals(-1, decision.toString().indexOf("hunter2"));
        assertEquals(-1, new Credentials("lab", "hunter2").toString().indexOf("hunter2"));
    }
}
