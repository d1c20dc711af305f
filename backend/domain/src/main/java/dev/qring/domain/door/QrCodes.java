package dev.qring.domain.door;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * QR codes for printing on a door (ZXing). Error correction Q (~25% of the code may be dirty or covered) and the
 * standard 4-module quiet zone. The SVG scales to any print size without blur; the PNG is sharp at {@code px}.
 */
public final class QrCodes {
    public static final int DEFAULT_PNG_PX = 1024;
    private static final int QUIET_ZONE = 4;

    private QrCodes() { }

    /** An SVG document (one module = one user unit, crisp edges) encoding {@code url}. */
    public static String svg(String url) {
        BitMatrix m = matrix(url, 0);
        int w = m.getWidth();
        int h = m.getHeight();
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < h; y++) {
            int x = 0;
            while (x < w) {
                if (!m.get(x, y)) { x++; continue; }
                int start = x;
                while (x < w && m.get(x, y)) x++;
                path.append('M').append(start).append(' ').append(y).append('h').append(x - start).append("v1h-").append(x - start).append('z');
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" + (w * 10)
                + "\" height=\"" + (h * 10) + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
    }

    /** A black-on-white PNG of {@code px}×{@code px} pixels (64..4096) encoding {@code url}. */
    public static byte[] png(String url, int px) {
        if (px < 64 || px > 4096) throw new IllegalArgumentException("px must be 64..4096");
        BitMatrix m = matrix(url, px);
        BufferedImage img = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) img.setRGB(x, y, m.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] png(String url) { return png(url, DEFAULT_PNG_PX); }

    private static BitMatrix matrix(String url, int size) {
        try {
            return new QRCodeWriter().encode(url, BarcodeFormat.QR_CODE, size, size, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.Q,
                    EncodeHintType.MARGIN, QUIET_ZONE,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode QR code: " + e.getMessage(), e);
        }
    }
}
