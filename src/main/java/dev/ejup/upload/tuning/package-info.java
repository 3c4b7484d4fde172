/**
 * Start-up and transport tuning of the upload check: nothing here decides a verdict, each class
 * only makes the same check cheaper. Removing one must change times, never a report. What each
 * saves, and where the figure comes from (bench/check.sh runs the whole check cold, so it shows
 * their sum: 0.79 s for a 1 KiB check on the README's last run; the single figures were measured
 * one change at a time, see the project's jvm-startup-facts notes and the README's Benchmarks):
 *
 * <ul>
 *   <li>{@link dev.ejup.upload.tuning.SmackSetup}: Smack's initialisers and providers trimmed to
 *       the five elements the flow reads; 250 ms down to about 60 ms of a cold run.
 *   <li>{@link dev.ejup.upload.tuning.Warmup}: that set-up started while the arguments are parsed;
 *       about 80 ms overlapped instead of waited for.
 *   <li>{@link dev.ejup.upload.tuning.SmackExit}: no thread left in native code at exit, where
 *       HotSpot waits up to 300 ms for it (undone: 2.18 times the best cold run).
 *   <li>{@link dev.ejup.upload.tuning.NoDelaySockets}: TCP_NODELAY on XMPP and HTTP sockets;
 *       about 90 ms of login was delayed-ACK stalls (undone: 1.30 times).
 *   <li>{@link dev.ejup.upload.tuning.ScramSha1}: one HMAC per login instead of Smack's shared,
 *       synchronized one, a quarter of a fleet run's CPU queued on that lock; its SHA-1 on ints,
 *       a cold check's login step 43 ms against 54 (12 interleaved pairs).
 *   <li>{@link dev.ejup.upload.tuning.CryptoWarmup}: AES-GCM compiled before a PUT of 8 MiB or
 *       more; 100 MiB PUT 0.9 s with, 1.3 s without (six interleaved pairs).
 *   <li>{@link dev.ejup.upload.tuning.SystemResolver} and {@link dev.ejup.upload.tuning.LocalhostDns}:
 *       names resolved as the rest of the machine does, SRV only when asked; they replace Smack's
 *       resolver initialisers that the trimmed set-up disables (part of its 1.16 when undone).
 * </ul>
 *
 * <p>The XEP-0363 flow itself (connect, login, disco, slot, PUT, GET, probes) is in the parent
 * package; the bounds on what a server may send (BoundedXmlStream and its sockets) stay there too,
 * since they change verdicts, not times.
 */
package dev.ejup.upload.tuning;
