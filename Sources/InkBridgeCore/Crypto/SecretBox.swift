import CCrypto
import Foundation

/// AES-256-GCM sealing of secret values under the hub's master key.
/// Layout: version byte 1 | 12-byte nonce | ciphertext | 16-byte tag. The
/// associated data binds a value to its `TENANT/NAME`, so a sealed value
/// copied to another name fails to open.
public struct SecretBox: Sendable {
    private let key: [UInt8]

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(key: [UInt8]) throws(Failure) {
        guard key.count == 32 else { throw Failure(description: "the master key must be 32 bytes (base64 of 32 random bytes)") }
        self.key = key
    }

    /// From `INKBRIDGE_MASTER_KEY` (base64) or `INKBRIDGE_MASTER_KEY_FILE`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> SecretBox {
        var text = env["INKBRIDGE_MASTER_KEY"]
        if text == nil, let path = env["INKBRIDGE_MASTER_KEY_FILE"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read INKBRIDGE_MASTER_KEY_FILE \(path)") }
            text = String(decoding: data, as: UTF8.self)
        }
        guard let text else { throw Failure(description: "no master key: set INKBRIDGE_MASTER_KEY (base64 of 32 bytes) or INKBRIDGE_MASTER_KEY_FILE") }
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "the master key is not valid base64")
        }
        return try SecretBox(key: Array(data))
    }

    public func seal(_ plaintext: [UInt8], associatedData: String) throws(Failure) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        guard RAND_bytes(&nonce, 12) == 1 else { throw Failure(description: "no random bytes for a nonce") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw Failure(description: "out of memory") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var len: Int32 = 0
        var total: Int32 = 0
        let aad = Array(associatedData.utf8)
        var tag = [UInt8](repeating: 0, count: 16)
        let ok = key.withUnsafeBufferPointer { k in
            EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1
                && EVP_EncryptInit_ex(ctx, nil, nil, k.baseAddress, nonce) == 1
                && EVP_EncryptUpdate(ctx, nil, &len, aad, Int32(aad.count)) == 1
                && EVP_EncryptUpdate(ctx, &out, &len, plaintext, Int32(plaintext.count)) == 1
                && { total = len; return true }()
                && out.withUnsafeMutableBufferPointer { o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + Int(total), &len) } == 1
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1
        }
        guard ok else { throw Failure(description: "AES-256-GCM encryption failed") }
        total += len
        return [1] + nonce + Array(out[0..<Int(total)]) + tag
    }

    public func open(_ sealed: [UInt8], associatedData: String) throws(Failure) -> [UInt8] {
        guard sealed.count >= 1 + 12 + 16, sealed[0] == 1 else { throw Failure(description: "not a sealed secret of a known version") }
        let nonce = Array(sealed[1..<13])
        var tag = Array(sealed[(sealed.count - 16)...])
        let ciphertext = Array(sealed[13..<(sealed.count - 16)])
        guard let ctx = EVP_CIPHER_CTX_new() else { throw Failure(description: "out of memory") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var len: Int32 = 0
        var total: Int32 = 0
        let aad = Array(associatedData.utf8)
        let ok = key.withUnsafeBufferPointer { k in
            EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1
                && EVP_DecryptInit_ex(ctx, nil, nil, k.baseAddress, nonce) == 1
                && EVP_DecryptUpdate(ctx, nil, &len, aad, Int32(aad.count)) == 1
                && EVP_DecryptUpdate(ctx, &out, &len, ciphertext, Int32(ciphertext.count)) == 1
                && { total = len; return true }()
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, &tag) == 1
                && out.withUnsafeMutableBufferPointer { o in EVP_DecryptFinal_ex(ctx, o.baseAddress! + Int(total), &len) } == 1
        }
        guard ok else { throw Failure(description: "the sealed secret does not open: wrong master key or tampered value") }
        total += len
        return Array(out[0..<Int(total)])
    }
}

/// Serves `{ "secret": "TENANT/NAME" }` references from the store, opened with the master key.
public struct StoreSecretSource: SecretSource {
    let store: any EventStore
    let box: SecretBox

    public init(store: any EventStore, box: SecretBox) {
        self.store = store
        self.box = box
    }

    public func secretValue(tenant: String, name: String) -> String? {
        guard let sealed = try? store.sealedSecret(tenant: tenant, name: name),
              let plain = try? box.open(sealed, associatedData: "\(tenant)/\(name)") else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
