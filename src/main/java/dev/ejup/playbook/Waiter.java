package dev.ejup.playbook;

import dev.ejup.model.Step;
import java.time.Duration;

/** The {@code wait} step: returns once the server answers, or a failed step after the timeout. */
interface Waiter {
  Step await(String server, Duration timeout);
}
