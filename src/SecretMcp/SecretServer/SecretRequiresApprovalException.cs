namespace SecretMcp.SecretServer;

/// <summary>
/// Secret Server's own approval workflow: the secret can be read only once an approver grants an
/// access request. The message is safe to show the model.
/// </summary>
public sealed class SecretRequiresApprovalException(string message) : SecretServerException(message);
