package dev.ejup.ssh;

import com.jcraft.jsch.ChannelDirectTCPIP;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * ProxyJump: the next hop's SSH stream goes through a direct-tcpip channel of the jump host's
 * session, as {@code ssh -W host:port jump} does. The jump host resolves and reaches the target;
 * nothing listens on this machine (JSch's own example forwards a local port, which any local user
 * could connect to).
 */
final class JumpProxy implements Proxy {
  private final Session jump;
  private final String jumpLabel;
  private ChannelDirectTCPIP channel;
  private TimedInput in;
  private OutputStream out;
  private String failure;

  JumpProxy(Session jump, String jumpLabel) {
    this.jump = jump;
    this.jumpLabel = jumpLabel;
  }

  @Override
  public void connect(SocketFactory ignored, String host, int port, int timeout) throws Exception {
    ChannelDirectTCPIP opened = null;
    try {
      opened = (ChannelDirectTCPIP) jump.openChannel("direct-tcpip");
      opened.setHost(host);
      opened.setPort(port);
      in = new TimedInput(opened.getInputStream(), "ejup-jump-" + host);
      out = opened.getOutputStream();
      opened.connect(timeout);
    } catch (JSchException e) {
      // said below, in words
    }
    if (opened == null || !opened.isConnected()) {
      if (opened != null) {
        opened.disconnect();
      }
      failure = jumpLabel + " could not open a connection to " + host + ":" + port;
      throw new JSchException(failure);
    }
    channel = opened;
  }

  /** Why connect failed, in words, or null. */
  String failure() {
    return failure;
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return out;
  }

  @Override
  public Socket getSocket() {
    return in == null ? null : in.socket();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.disconnect();
    }
  }
}
