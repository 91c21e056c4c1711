using System.Reflection;
using System.Text.Json;
using FleepServer.Errors;

namespace FleepServer.Http;

/// <summary>
/// A request record bound from the call's JSON body. Implementing this interface is all a request
/// type needs: minimal APIs call <see cref="IBindableFromHttpContext{TSelf}.BindAsync"/>, which
/// deserializes the already-parsed body with Fleep's JSON rules and then checks lengths and
/// required fields (<see cref="RequestValidator"/>). Any failure is a 400 Fleep error naming the field.
/// </summary>
public interface IFleepRequest<TSelf> : IBindableFromHttpContext<TSelf>
    where TSelf : class, IFleepRequest<TSelf>
{
    static ValueTask<TSelf?> IBindableFromHttpContext<TSelf>.BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<TSelf?>(RequestBinder.Bind<TSelf>(context));
}

/// <summary>An object nested inside a request body (e.g. one entry of an import list): validated like the request.</summary>
public interface IFleepRequestPart;

public static class RequestBinder
{
    public static T Bind<T>(HttpContext context) where T : class
    {
        var body = RequestBody.Of(context) ?? RequestBody.Empty;
        T? value;
        try
        {
            value = body.Root.Deserialize<T>(FleepJson.Options);
        }
        catch (JsonException e)
        {
            throw FleepErrors.InvalidField(FieldName(e.Path), "wrong type");
        }

        if (value is null)
        {
            throw FleepErrors.MalformedJson();
        }

        RequestValidator.Validate(value);
        return value;
    }

    private static string FieldName(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) ? "body" : jsonPath.TrimStart('$', '.');
}
