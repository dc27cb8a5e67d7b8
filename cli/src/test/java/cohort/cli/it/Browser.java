package cohort.cli.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for system tests of the dashboard: Debian's {@code chromium} driven
 * through its {@code chromium-driver} (.ci/run installs both). Tests that need it skip, naming the
 * packages, where they are missing. Selenium is given both paths, so it never looks for a driver to
 * download.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** How long a page may take to show what a test waits for. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /**
   * Starts a headless Chromium, 1280 by 900 pixels, a laptop's screen.
   *
   * @param screenshots where {@link #screenshot} saves its pictures
   */
  static Browser start(Path screenshots) {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER + ")");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // Root needs --no-sandbox; /dev/shm is small in containers.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(WAIT);
    try {
      Files.createDirectories(screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Browser(driver, screenshots);
  }

  WebDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(By by) {
    return driver.findElement(by);
  }

  /** Waits until {@code condition} holds (not null, not false) and returns what it gave. */
  <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT)
        .withMessage(() -> "the page did not show " + what + " in " + WAIT.toSeconds() + " s")
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** The text of the first element {@code css} selects, or null when there is none. */
  String text(String css) {
    var found = driver.findElements(By.cssSelector(css));
    return found.isEmpty() ? null : found.get(0).getText();
  }

  Object script(String code, Object... args) {
    return driver.executeScript(code, args);
  }

  /**
   * Saves the whole page as {@code name}.png, for people to look at: the window grows to the page's
   * height for the picture, then shrinks back.
   */
  Path screenshot(String name) {
    Path file = screenshots.resolve(name + ".png");
    Dimension window = driver.manage().window().getSize();
    long height =
        ((Number) driver.executeScript("return document.documentElement.scrollHeight;"))
            .longValue();
    try {
      driver
          .manage()
          .window()
          .setSize(new Dimension(window.getWidth(), (int) Math.max(window.getHeight(), height)));
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(window);
    }
    return file;
  }

  /** Forgets the session: the next page starts logged out. */
  void forgetCookies() {
    driver.manage().deleteAllCookies();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
