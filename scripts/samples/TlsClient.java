// Tiny javax.net.ssl client for the sample captures (make-samples.sh compiles it with javac).
// Usage: java -cp DIR TlsClient HOST PORT SNI CA.pem [TLSv1.3|TLSv1.2]
// Trusts only CA.pem, checks the host name (HTTPS endpoint identification), sends one line, reads
// the echo, closes (close_notify). Connects only where it is told (the script: 127.0.0.1 / ::1).
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class TlsClient {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String sni = args[2];
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = new FileInputStream(args[3])) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
      s.setSoTimeout(5000);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      p.setEndpointIdentificationAlgorithm("HTTPS");
      if (args.length > 4) p.setProtocols(new String[] {args[4]});
      s.setSSLParameters(p);
      s.startHandshake();
      System.out.println("protocol " + s.getSession().getProtocol() + " cipher " + s.getSession().getCipherSuite());
      OutputStream out = s.getOutputStream();
      out.write("hello tlsdiag\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      System.out.println("reply " + (n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII).trim() : "<none>"));
    }
  }
}
