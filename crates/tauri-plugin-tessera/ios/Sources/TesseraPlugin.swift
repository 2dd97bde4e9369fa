import LocalAuthentication
import Tauri
import UIKit
import WebKit

struct ProtectionArgs: Decodable {
  let on: Bool
}

/// Tessera's plugin on iOS. The Keychain is used from Rust; this says whether a biometric is
/// enrolled and keeps the codes off the app-switcher picture and off recordings.
class TesseraPlugin: Plugin {
  private var webView: WKWebView?
  private var cover: UIView?
  private var observers: [NSObjectProtocol] = []

  public override func load(webview: WKWebView) {
    self.webView = webview
  }

  /// Whether Face ID or Touch ID is enrolled and usable.
  @objc public func biometricAvailable(_ invoke: Invoke) {
    var error: NSError?
    let available = LAContext().canEvaluatePolicy(
      .deviceOwnerAuthenticationWithBiometrics, error: &error)
    invoke.resolve(["available": available])
  }

  /// iOS cannot block screenshots. With protection on, the app-switcher picture shows a blank
  /// cover (put up when the app resigns active, taken down when it is active again), and the
  /// screen stays covered while it is recorded or mirrored.
  @objc public func setScreenProtection(_ invoke: Invoke) throws {
    let args = try invoke.parseArgs(ProtectionArgs.self)
    DispatchQueue.main.async { [self] in
      if args.on {
        startProtecting()
      } else {
        stopProtecting()
      }
      invoke.resolve()
    }
  }

  private func startProtecting() {
    guard observers.isEmpty else { return }
    let center = NotificationCenter.default
    observers = [
      center.addObserver(
        forName: UIApplication.willResignActiveNotification, object: nil, queue: .main
      ) { [weak self] _ in self?.showCover() },
      center.addObserver(
        forName: UIApplication.didBecomeActiveNotification, object: nil, queue: .main
      ) { [weak self] _ in self?.coverWhileCaptured() },
      center.addObserver(
        forName: UIScreen.capturedDidChangeNotification, object: nil, queue: .main
      ) { [weak self] _ in self?.coverWhileCaptured() },
    ]
    coverWhileCaptured()
  }

  private func stopProtecting() {
    for observer in observers {
      NotificationCenter.default.removeObserver(observer)
    }
    observers = []
    hideCover()
  }

  private func coverWhileCaptured() {
    if UIScreen.main.isCaptured {
      showCover()
    } else {
      hideCover()
    }
  }

  private func showCover() {
    guard cover == nil, let window = webView?.window else { return }
    let view = UIView(frame: window.bounds)
    view.backgroundColor = .systemBackground
    view.autoresizingMask = [.flexibleWidth, .flexibleHeight]
    window.addSubview(view)
    cover = view
  }

  private func hideCover() {
    cover?.removeFromSuperview()
    cover = nil
  }
}

@_cdecl("init_plugin_tessera")
func initPlugin() -> Plugin {
  return TesseraPlugin()
}
