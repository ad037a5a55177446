using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SecretMcp.EndToEndTests.Shells;

/// <summary>One row of the shell table: a value the dev vault serves as one field.</summary>
public sealed record TableValue(int Index, string Label, byte[] Bytes, bool IsFile = false)
{
    public string Slug => $"v{Index:D2}";

    public string Variable => $"SMT_V{Index:D2}";
}

/// <summary>
/// The table: shared/cases/shell-values.json (35 values) plus the cases of the issue and of
/// shared/cases/handed.md C07–C10 that it lacks, a real 2048-bit PEM key, a service-account JSON,
/// bytes that are not UTF-8, and values just over the limits.
/// </summary>
public static class TableValues
{
    public const int SecretId = 300;

    public const string SecretPath = "table/values";

    /// <summary>A value with the canary marker, so the run can prove no value reached stdout or the transcript.</summary>
    public static readonly string CanaryValue = Canary.Marker + "-table $HOME `id` !! %PATH%\n";

    public static IReadOnlyList<TableValue> All { get; } = Build();

    public static TableValue ByLabel(string label) => All.Single(v => v.Label == label);

    /// <summary>A dev vault seed with every value as a field of one secret, plus a notes and a file field.</summary>
    public static string SeedJson()
    {
        var fields = All.Select(v => new Dictionary<string, object>
        {
            ["slug"] = v.Slug,
            ["name"] = v.Label,
            ["valueBase64"] = Convert.ToBase64String(v.Bytes),
            ["isFile"] = v.IsFile,
        }).ToList();
        var seed = new Dictionary<string, object>
        {
            ["users"] = new[] { new Dictionary<string, string> { ["username"] = "table", ["password"] = "table-pw" } },
            ["secrets"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = SecretId,
                    ["path"] = "\\table\\values",
                    ["template"] = "Shell table",
                    ["fields"] = fields,
                },
                new Dictionary<string, object>
                {
                    ["id"] = SecretId + 1,
                    ["path"] = "\\table\\ssh",
                    ["template"] = "SSH Key",
                    ["fields"] = new object[]
                    {
                        new Dictionary<string, object>
                        {
                            ["slug"] = "notes", ["name"] = "Notes", ["value"] = "line 1\nline 2", ["isNotes"] = true,
                        },
                        new Dictionary<string, object>
                        {
                            ["slug"] = "private-key", ["name"] = "Private Key", ["valueBase64"] = "AAEC", ["isFile"] = true,
                        },
                        new Dictionary<string, object>
                        {
                            ["slug"] = "passphrase", ["name"] = "Passphrase", ["value"] = "pass", ["isPassword"] = true,
                        },
                    },
                },
            },
        };
        return JsonSerializer.Serialize(seed);
    }

    private static List<TableValue> Build()
    {
        var values = new List<(string Label, byte[] Bytes, bool IsFile)>();
        var path = Path.Combine(AppContext.BaseDirectory, "Shells", "shell-values.json");
        using (var document = JsonDocument.Parse(File.ReadAllBytes(path)))
        {
            foreach (var value in document.RootElement.GetProperty("values").EnumerateArray())
            {
                values.Add((value.GetProperty("label").GetString()!,
                    Convert.FromBase64String(value.GetProperty("base64").GetString()!), false));
            }
        }

        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem() + "\n";
        var serviceAccount = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "table-test",
            ["private_key"] = pem,
            ["client_email"] = "table@table-test.iam.example",
        }) + "\n";

        string[] text =
        [
            "C07 expansion", "p$HOME\"q\\w$(id)",
            "C07 pid", "P4$$w@Rd",
            "C08 hash", "Gn$12c#1@a1Cv",
            "C08 ampersand", "a&b",
            "C08 backtick", "x`y",
            "C08 quotes", "'q'\"d\"",
            "C08 latin", "pässwörd€",
            "C09 cmd specials", "50%PATH%^&|<>\"!x",
            "C09 without !", "50%PATH%^&|<>\"x",
            "carets", "a^b^^c^",
            "lone CR", "\r",
            "RSA 2048 PEM", pem,
            "service-account JSON", serviceAccount,
            "latin-1 only", "café crème brûlée ½ ©",
            "private use U+F600", "a\uF600b\uF6FFc",
            "canary", CanaryValue,
        ];
        for (var i = 0; i < text.Length; i += 2)
        {
            values.Add((text[i], Encoding.UTF8.GetBytes(text[i + 1]), false));
        }

        values.Add(("not UTF-8 (file)", [0x66, 0xFF, 0xFE, 0x80, 0x0A, 0xC3], true));
        values.Add(("100 KiB + 1", Encoding.ASCII.GetBytes(new string('k', (100 * 1024) + 1)), false));
        values.Add(("8,001 characters", Encoding.ASCII.GetBytes(new string('c', 8001)), false));
        return values.Select((v, i) => new TableValue(i, v.Label, v.Bytes, v.IsFile)).ToList();
    }
}
