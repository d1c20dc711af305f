package dev.qring.domain.door;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The QR codes decode back to the visitor URL (decoded with ZXing's reader, independent of the writer). */
class QrCodesTest {
    static final String URL = "https://qring.example/d/q2Vt8sW3bYx0ZkP1aR7mNc4d";

    @Test
    void pngDecodesToTheUrlAndIsPrintSized() throws Exception {
        byte[] png = QrCodes.png(URL);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(1024);
        assertThat(img.getHeight()).isEqualTo(1024);
        assertThat(decode(img)).isEqualTo(URL);
        // quiet zone: the border is white
        assertThat(img.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(decode(ImageIO.read(new ByteArrayInputStream(QrCodes.png(URL, 200))))).isEqualTo(URL);
    }

    @Test
    void svgDecodesToTheUrl() throws Exception {
        String svg = QrCodes.svg(URL);
        assertThat(svg).startsWith("<?xml").contains("<svg").contains("viewBox=\"0 0 ");
        // Rasterize our own path format (runs "M x y h w v1 h-w z") at 8 px per module and decode it.
        Matcher vb = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertThat(vb.find()).isTrue();
        int modules = Integer.parseInt(vb.group(1));
        int scale = 8;
        BufferedImage img = new BufferedImage(modules * scale, modules * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
        Matcher run = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\d+z").matcher(svg);
        int runs = 0;
        while (run.find()) {
            runs++;
            int x0 = Integer.parseInt(run.group(1)), y0 = Integer.parseInt(run.group(2)), w = Integer.parseInt(run.group(3));
            for (int y = y0 * scale; y < (y0 + 1) * scale; y++) {
                for (int x = x0 * scale; x < (x0 + w) * scale; x++) img.setRGB(x, y, 0);
            }
        }
        assertThat(runs).isGreaterThan(50);
        assertThat(decode(img)).isEqualTo(URL);
    }

    @Test
    void rejectsSillySizes() {
        assertThatThrownBy(() -> QrCodes.png(URL, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QrCodes.png(URL, 100_000)).isInstanceOf(IllegalArgumentException.class);
    }

    static String decode(BufferedImage img) throws Exception {
        int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(img.getWidth(), img.getHeight(), px)));
        Result r = new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE));
        return r.getText();
    }
}
